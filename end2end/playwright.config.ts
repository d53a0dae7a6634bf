// Browser tests of the Messaging Setup console (release build) against the real Postfix on
// loopback. Run from this folder: `npx playwright test`.
//
// The webServer below starts ../target/release/messaging-console on 127.0.0.1:3100 with a
// fresh database (../target/e2e is deleted first) every run. The tests share that one server
// and run one at a time; each puts the server in a known state through the API first.
// Prerequisites: the release build (scripts/build-site.sh --release), Postfix
// (scripts/peers/postfix-up.sh) and Kannel (scripts/peers/kannel-up.sh).
import { defineConfig } from '@playwright/test';
import * as path from 'node:path';
import { CHROMIUM_LAUNCH_OPTIONS } from './chromium.mjs';

const HOST = '127.0.0.1';
const PORT = 3100;
const REPO_ROOT = path.resolve(__dirname, '..');
const E2E_DIR = path.join(REPO_ROOT, 'target', 'e2e');

export default defineConfig({
  testDir: 'tests',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://${HOST}:${PORT}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: CHROMIUM_LAUNCH_OPTIONS, // Debian's Chromium, see chromium.mjs
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    // A fresh database (and key file beside it) on every run.
    command: `bash -c 'rm -rf "${E2E_DIR}" && mkdir -p "${E2E_DIR}" && exec "${REPO_ROOT}/target/release/messaging-console"'`,
    cwd: __dirname,
    url: `http://${HOST}:${PORT}/messaging/smtp`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      CONSOLE_LISTEN: `${HOST}:${PORT}`,
      CONSOLE_DATABASE: path.join(E2E_DIR, 'console.sqlite3'),
      CONSOLE_SITE_ROOT: path.join(REPO_ROOT, 'target', 'site'),
    },
  },
});
