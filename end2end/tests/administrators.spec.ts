// Signing in and out, a second administrator, changing one's own password, the audit log,
// session expiry and the test-send allowance, as an administrator meets them in the browser.
import { test, expect, type Browser } from '@playwright/test';
import { CONSOLES, FIRST_ADMIN, createFirstAdmin, signIn } from './consoles';
import { gotoConsole, plainForm, postfixEnv, saveViaApi } from './support';

/** A browser context nobody is signed in to. */
async function signedOutPage(browser: Browser, baseURL = CONSOLES.main.baseURL) {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  return context.newPage();
}

test('signing in leads back to the page asked for; signing out ends the session', async ({ browser }) => {
  const page = await signedOutPage(browser);
  await page.goto('/messaging/sms');
  await expect(page).toHaveURL(/\/login\?next=\/messaging\/sms$/);

  await signIn(page, FIRST_ADMIN.name, 'not the password');
  await expect(page.getByRole('alert')).toHaveText('Wrong name or password.');
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(FIRST_ADMIN.name);

  await signIn(page, FIRST_ADMIN.name, FIRST_ADMIN.password);
  await expect(page).toHaveURL(/\/messaging\/sms$/);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login\?signed_out=1$/);
  await expect(page.getByRole('status')).toHaveText('You have signed out.');
  await page.goto('/messaging/smtp');
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.context().close();
});

test('a second administrator is added, signs in, changes their password and shows in the audit log', async ({ page, browser }) => {
  const second = { name: `ops-${Date.now()}`, password: 'second admin passphrase' };
  await page.goto('/admin/administrators');
  await expect(page.getByRole('heading', { name: 'Administrators' })).toBeVisible();

  const add = page.locator('#add-administrator');
  await add.getByLabel('Name', { exact: true }).fill(FIRST_ADMIN.name.toUpperCase());
  await add.getByLabel('Password', { exact: true }).fill(second.password);
  await add.getByLabel('Password (again)').fill(second.password);
  await add.getByLabel('Your own password').fill(FIRST_ADMIN.password);
  await add.getByRole('button', { name: 'Add administrator' }).click();
  await expect(page.locator('#add-administrator [data-field="name"].error')).toContainText('exists already');

  await add.getByLabel('Name', { exact: true }).fill(second.name);
  await add.getByLabel('Password', { exact: true }).fill(second.password);
  await add.getByLabel('Password (again)').fill(second.password);
  await add.getByLabel('Your own password').fill(FIRST_ADMIN.password);
  await add.getByRole('button', { name: 'Add administrator' }).click();
  await expect(page.getByRole('status')).toHaveText('Administrator added.');
  const row = page.locator('#administrators tr', { hasText: second.name });
  await expect(row).toContainText(FIRST_ADMIN.name);
  await expect(row).toContainText('never');

  // The new administrator signs in elsewhere and changes their own password.
  const theirs = await signedOutPage(browser);
  await signIn(theirs, second.name, second.password);
  await expect(theirs).toHaveURL(/\/messaging\/smtp$/);
  await theirs.goto('/admin/administrators');
  await expect(theirs.locator('.topbar .who')).toContainText(second.name);
  const change = theirs.locator('#own-password');
  await change.getByLabel('Current password').fill('wrong current password');
  await change.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await change.getByLabel('New password (again)').fill('a brand new passphrase');
  await change.getByRole('button', { name: 'Change password' }).click();
  await expect(theirs.locator('#own-password [data-field="current"].error')).toHaveText('This is not your current password.');
  await change.getByLabel('Current password').fill(second.password);
  await change.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await change.getByLabel('New password (again)').fill('a brand new passphrase');
  await change.getByRole('button', { name: 'Change password' }).click();
  await expect(theirs.getByRole('status')).toContainText('Your password was changed');
  await theirs.context().close();

  // The first administrator sees all of it in the audit log.
  await page.goto('/admin/audit');
  const log = page.locator('#audit-log');
  await expect(log.locator('tr[data-action="administrator added"]', { hasText: second.name }).first()).toContainText(FIRST_ADMIN.name);
  await expect(log.locator('tr[data-action="sign-in"][data-outcome="succeeded"]', { hasText: second.name })).toHaveCount(1);
  await expect(log.locator('tr[data-action="password changed"][data-outcome="failed"]', { hasText: second.name })).toHaveCount(1);
  await expect(log.locator('tr[data-action="password changed"][data-outcome="succeeded"]', { hasText: second.name })).toHaveCount(1);
  await expect(log).not.toContainText(second.password);
  await expect(log).not.toContainText('a brand new passphrase');
});

test('saving settings is audited field by field, the password only as changed', async ({ page, request }) => {
  await saveViaApi(request, plainForm({ from_address: 'audit-before@example.net' }));

  await gotoConsole(page);
  await page.locator('#from_address').fill('audit-after@example.net');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('.banner.success')).toContainText('Saved');

  await page.getByRole('link', { name: 'Audit log' }).click();
  const latest = page.locator('#audit-log tbody tr').first();
  await expect(latest).toHaveAttribute('data-action', 'SMTP settings saved');
  await expect(latest).toContainText(FIRST_ADMIN.name);
  await expect(latest.locator('ul.changes li')).toHaveText(['from_address: audit-before@example.net → audit-after@example.net']);
});

test('an expired session sends the administrator back to sign in, and back to the page after', async ({ browser }) => {
  const short = CONSOLES.shortSession;
  const page = await signedOutPage(browser, short.baseURL);
  await createFirstAdmin(page, short);
  await expect(page.locator('body[data-hydrated]')).toBeAttached();

  // Sessions there end 5 s after sign-in however busy: wait for the server to say so.
  await expect
    .poll(async () => (await page.request.get('/api/smtp/settings')).status(), { timeout: 20_000, intervals: [500] })
    .toBe(401);

  await page.locator('#server_name').fill('relay.example.net');
  await page.locator('#from_address').fill('alerts@example.net');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('.banner.error')).toContainText('Your session has ended');

  await page.reload();
  await expect(page).toHaveURL(/\/login\?next=\/messaging\/smtp$/);
  await signIn(page, FIRST_ADMIN.name, FIRST_ADMIN.password);
  await expect(page).toHaveURL(`${short.baseURL}/messaging/smtp`);
  await page.context().close();
});

test('test sends beyond the allowance are refused with the time to wait', async ({ browser }) => {
  const limited = CONSOLES.limited;
  const page = await signedOutPage(browser, limited.baseURL);
  await createFirstAdmin(page, limited);
  const env = postfixEnv();
  await saveViaApi(page.request, plainForm());
  await gotoConsole(page);

  const dialog = page.locator('#test-email-dialog');
  // Each send in a freshly opened dialog, so each result shown is the new one.
  for (let sent = 0; sent < 2; sent++) {
    await page.getByRole('button', { name: 'Send Test Email' }).click();
    await dialog.locator('#recipient').fill(`limit@${env.rcptDomain}`);
    await dialog.locator('#message').fill(`allowance test ${sent}`);
    await dialog.getByRole('button', { name: 'Send Email' }).click();
    await expect(dialog.locator('.result[data-outcome=delivered]')).toBeVisible();
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    await expect(dialog).toBeHidden();
  }
  await page.getByRole('button', { name: 'Send Test Email' }).click();
  await dialog.locator('#recipient').fill(`limit@${env.rcptDomain}`);
  await dialog.locator('#message').fill('one too many');
  await dialog.getByRole('button', { name: 'Send Email' }).click();
  await expect(dialog.locator('.result[data-outcome=error]')).toContainText(/Too many test messages in a short time: try again in (\d+ min )?\d+ s/);
  await page.context().close();
});
