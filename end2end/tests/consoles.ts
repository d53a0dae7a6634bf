// The consoles the browser tests run against (started by playwright.config.ts), and how to
// become their first administrator from the setup link each printed.
import { expect, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const E2E_DIR = path.resolve(__dirname, '..', '..', 'target', 'e2e');
/** The signed-in session of the main console's first administrator, shared by the specs. */
export const STORAGE_STATE = path.join(E2E_DIR, 'admin-session.json');

export interface ConsoleUnderTest {
  name: string;
  port: number;
  baseURL: string;
  logFile: string;
  env: Record<string, string>;
}

function consoleAt(name: string, port: number, env: Record<string, string>): ConsoleUnderTest {
  return {
    name,
    port,
    baseURL: `http://127.0.0.1:${port}`,
    logFile: path.join(E2E_DIR, `${name}.log`),
    env,
  };
}

export const CONSOLES = {
  // Generous test-send allowance: many specs send test messages within minutes.
  main: consoleAt('main', 3100, { CONSOLE_TEST_SEND_LIMIT: '1000' }),
  shortSession: consoleAt('short-session', 3101, { CONSOLE_SESSION_MAX: '5s' }),
  limited: consoleAt('limited', 3102, { CONSOLE_TEST_SEND_LIMIT: '2' }),
};

/** The first administrator's name and password on every console under test. */
export const FIRST_ADMIN = { name: 'first-admin', password: 'a long enough passphrase 1' };

/** The one-time setup link a console printed, read from its log. */
export function setupLink(console: ConsoleUnderTest): string {
  const text = fs.readFileSync(console.logFile, 'utf8');
  const match = /https?:\/\/\S+\/setup\?token=[A-Za-z0-9_-]+/.exec(text);
  if (!match) throw new Error(`no setup link in ${console.logFile}:\n${text}`);
  return match[0];
}

/** Creates the first administrator through the printed link; the page ends signed in. */
export async function createFirstAdmin(page: Page, console: ConsoleUnderTest): Promise<void> {
  await page.goto(setupLink(console));
  await page.getByLabel('Name', { exact: true }).fill(FIRST_ADMIN.name);
  await page.getByLabel('Password', { exact: true }).fill(FIRST_ADMIN.password);
  await page.getByLabel('Password (again)').fill(FIRST_ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page).toHaveURL(`${console.baseURL}/messaging/smtp`);
}

/** Signs in on the sign-in page the page is at (or goes to). */
export async function signIn(page: Page, name: string, password: string): Promise<void> {
  if (!page.url().includes('/login')) await page.goto('/login');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
