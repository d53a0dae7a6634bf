// Browser tests of the Messaging Setup console (release build) against the real Postfix and
// Kannel on loopback. Run from this folder: `npx playwright test`.
//
// Three consoles are started from ../target/release/messaging-console, each with a fresh
// database under ../target/e2e (deleted first) and its output in a log file there, from which
// the tests read the one-time setup link:
//   - MAIN (127.0.0.1:3100): the console most tests use. The `setup` project creates its first
//     administrator through the printed link and keeps the session for the other tests.
//   - SHORT_SESSION (3101): sessions end 5 s after sign-in, for the expiry test.
//   - LIMITED (3102): two test sends per administrator, for the rate-limit test.
// Tests run one at a time; each puts its console in a known state through the API first.
// Prerequisites: the release build (scripts/build-site.sh --release), Postfix
// (scripts/peers/postfix-up.sh) and Kannel (scripts/peers/kannel-up.sh).
import { defineConfig } from '@playwright/test';
import * as path from 'node:path';
import { CHROMIUM_LAUNCH_OPTIONS } from './chromium.mjs';
import { CONSOLES, E2E_DIR, STORAGE_STATE, type ConsoleUnderTest } from './tests/consoles';

const REPO_ROOT = path.resolve(__dirname, '..');

function webServer(console: ConsoleUnderTest) {
  const dir = path.join(E2E_DIR, console.name);
  return {
    command: `bash -c 'rm -rf "${dir}" && mkdir -p "${dir}" && exec "${REPO_ROOT}/target/release/messaging-console" >"${console.logFile}" 2>&1'`,
    cwd: __dirname,
    url: `${console.baseURL}/login`,
    reuseExistingServer: false,
    timeout: 30_000,
    env: {
      CONSOLE_LISTEN: `127.0.0.1:${console.port}`,
      CONSOLE_DATABASE: path.join(dir, 'console.sqlite3'),
      CONSOLE_SITE_ROOT: path.join(REPO_ROOT, 'target', 'site'),
      ...console.env,
    },
  };
}

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
    baseURL: CONSOLES.main.baseURL,
    browserName: 'chromium',
    headless: true,
    launchOptions: CHROMIUM_LAUNCH_OPTIONS, // Debian's Chromium, see chromium.mjs
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'setup', testMatch: /first-admin\.setup\.ts/ },
    {
      name: 'console',
      dependencies: ['setup'],
      testMatch: /\.spec\.ts/,
      use: { storageState: STORAGE_STATE },
    },
  ],
  webServer: Object.values(CONSOLES).map(webServer),
});
