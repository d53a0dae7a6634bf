// The first thing an administrator does on a new console: open the setup link it printed and
// create the first administrator. Runs before every other browser test and keeps the session
// for them (STORAGE_STATE).
import { test as setup, expect } from '@playwright/test';
import { CONSOLES, FIRST_ADMIN, STORAGE_STATE, createFirstAdmin, setupLink } from './consoles';

setup('the printed setup link creates the first administrator, once', async ({ page }) => {
  const main = CONSOLES.main;

  // Before: every page leads to the sign-in page, which says how to get in.
  await page.goto('/messaging/smtp');
  await expect(page).toHaveURL(/\/login\?next=\/messaging\/smtp$/);
  await expect(page.locator('#no-administrator')).toContainText('setup link');

  // A wrong token is refused.
  await page.goto('/setup?token=guessed');
  await expect(page.locator('#setup-closed')).toContainText('not valid');

  // Bad input is answered beside each field, and nothing is created.
  await page.goto(setupLink(main));
  await page.getByLabel('Name', { exact: true }).fill('first admin');
  await page.getByLabel('Password', { exact: true }).fill('too short');
  await page.getByLabel('Password (again)').fill('too short');
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.locator('[data-field="name"].error')).toContainText('A space is not allowed');
  await expect(page.locator('[data-field="password"].error')).toContainText('at least 12 characters');
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');

  await page.getByLabel('Name', { exact: true }).fill(FIRST_ADMIN.name);
  await page.getByLabel('Password', { exact: true }).fill(FIRST_ADMIN.password);
  await page.getByLabel('Password (again)').fill(`${FIRST_ADMIN.password}!`);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.locator('[data-field="confirm"].error')).toContainText('differ');

  await createFirstAdmin(page, main);
  await expect(page.getByRole('heading', { name: 'Messaging › SMTP Server' })).toBeVisible();
  await page.context().storageState({ path: STORAGE_STATE });

  // The link has done its job.
  await page.goto(setupLink(main));
  await expect(page.locator('#setup-closed')).toContainText('An administrator exists already');
});
