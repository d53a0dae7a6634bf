// Saving SMTP settings through the page, what comes back after a reload, and the write-only
// password: never in the page or the API, never silently carried to another destination.
import { expect, test } from '@playwright/test';
import {
  fieldError,
  fieldWarning,
  fillSmtp,
  getSettings,
  gotoConsole,
  postfixCaPem,
  postfixEnv,
  postfixPassword,
  reloadConsole,
  resetViaApi,
  save,
  saveViaApi,
  startTlsForm,
} from './support';

const FROM_WITH_DISPLAY_NAME = '"Doe, Zoë" <alerts@console.test>';

test.beforeEach(async ({ request }) => {
  await resetViaApi(request);
});

test('plain settings are saved and shown again after a reload', async ({ page, request }) => {
  const env = postfixEnv();
  await gotoConsole(page);
  await expect(page.locator('.saved-at')).toContainText('Not configured');

  await fillSmtp(page, {
    server: env.host,
    security: 'none',
    port: env.plainPort,
    timeout: 20,
    from: FROM_WITH_DISPLAY_NAME,
  });
  await expect(page.locator('p.message.error')).toHaveCount(0);
  await save(page);

  await expect(page.locator('.banner.success')).toContainText('Saved');
  await expect(page.locator('.banner.error')).toHaveCount(0);
  const stored = await getSettings(request);
  expect(stored).not.toBeNull();
  expect(stored.port).toBe(env.plainPort);
  expect(stored.security).toBe('none');
  expect(stored.timeout_secs).toBe(20);
  expect(stored.password_stored).toBe(false);
  expect(stored.from).toMatchObject({ display_name: 'Doe, Zoë', local_part: 'alerts', domain: 'console.test' });

  await reloadConsole(page);
  await expect(page.locator('#server_name')).toHaveValue(env.host);
  await expect(page.locator('#port')).toHaveValue(String(env.plainPort));
  await expect(page.locator('#security')).toHaveValue('none');
  await expect(page.locator('#timeout')).toHaveValue('20');
  await expect(page.locator('#from_address')).toHaveValue(FROM_WITH_DISPLAY_NAME);
  await expect(page.locator('#password')).toHaveValue('');
  await expect(page.locator('#password_confirm')).toHaveValue('');
  await expect(page.locator('[data-testid=password-state]')).toContainText('No password is stored');
  await expect(page.locator('#remove_password')).toHaveCount(0);
  await expect(page.locator('.saved-at')).toContainText('Last saved');
});

test('a stored password never comes back and never follows a changed port', async ({ page, request }) => {
  const env = postfixEnv();
  const password = postfixPassword();
  await gotoConsole(page);

  await fillSmtp(page, {
    server: env.host,
    security: 'starttls',
    port: env.startTlsPort,
    user: env.user,
    password,
    confirm: password,
    from: FROM_WITH_DISPLAY_NAME,
    ca: postfixCaPem(),
  });
  await expect(page.locator('p.message.error')).toHaveCount(0);
  await save(page);
  await expect(page.locator('.banner.success')).toContainText('new password is stored');
  // After saving, the boxes are emptied at once.
  await expect(page.locator('#password')).toHaveValue('');
  await expect(page.locator('#password_confirm')).toHaveValue('');

  await reloadConsole(page);
  await expect(page.locator('#security')).toHaveValue('starttls');
  await expect(page.locator('#port')).toHaveValue(String(env.startTlsPort));
  await expect(page.locator('#user_name')).toHaveValue(env.user);
  await expect(page.locator('#ca_certificate')).toHaveValue(/-----BEGIN CERTIFICATE-----/);
  await expect(page.locator('[data-testid=password-state]')).toContainText('A password is stored');
  await expect(page.locator('#password')).toHaveValue('');
  await expect(page.locator('#password_confirm')).toHaveValue('');
  await expect(page.locator('#remove_password')).not.toBeChecked();

  // Neither the page nor the API carries the password, in any form.
  const html = await page.content();
  expect(html.includes(password), 'the page HTML must not contain the password').toBe(false);
  const apiResponse = await request.get('/api/smtp/settings');
  const apiBody = await apiResponse.text();
  expect(apiBody.includes(password), 'GET /api/smtp/settings must not contain the password').toBe(false);
  expect(JSON.parse(apiBody).password_stored).toBe(true);
  const rawHtml = await (await request.get('/messaging/smtp')).text();
  expect(rawHtml.includes(password), 'the server-rendered HTML must not contain the password').toBe(false);

  // Another port with the boxes left empty: warned before saving, refused on Save.
  const otherPort = String(env.startTlsPort + 1);
  await fillSmtp(page, { port: otherPort });
  await expect(fieldWarning(page, 'password')).toContainText('will not be kept');
  await save(page);
  await expect(page.locator('.banner.error')).toBeVisible();
  await expect(fieldError(page, 'password')).toContainText('enter the password again');
  await expect(page.locator('.banner.success')).toHaveCount(0);

  // Nothing stored changed.
  const after = await getSettings(request);
  expect(after.port).toBe(env.startTlsPort);
  expect(after.password_stored).toBe(true);
  await reloadConsole(page);
  await expect(page.locator('#port')).toHaveValue(String(env.startTlsPort));
  await expect(page.locator('[data-testid=password-state]')).toContainText('A password is stored');
});

test('the server refuses to move a stored password to another port', async ({ request }) => {
  // The same rule as above, enforced by the server for a client that skips the page.
  const env = postfixEnv();
  const password = postfixPassword();
  const base = {
    server_name: env.host,
    port: String(env.startTlsPort),
    security: 'starttls',
    user_name: env.user,
    password: { new_password: password, confirm: password, remove_stored: false },
    from_address: 'alerts@console.test',
    timeout_secs: '30',
    ca_certificate: postfixCaPem(),
  };
  const saved = await request.post('/api/smtp/save', { data: { form: base } });
  expect(saved.status()).toBe(200);
  const savedBody = await saved.text();
  expect(savedBody.includes(password), 'the save answer must not echo the password').toBe(false);
  expect(JSON.parse(savedBody).password).toBe('replaced');

  const moved = {
    ...base,
    port: String(env.startTlsPort + 1),
    password: { new_password: '', confirm: '', remove_stored: false },
  };
  const response = await request.post('/api/smtp/save', { data: { form: moved } });
  expect(response.status()).toBe(422);
  const body = await response.json();
  expect(body.Invalid.map((e: { field: string }) => e.field)).toContain('password');
  expect((await getSettings(request)).port).toBe(env.startTlsPort);
});

test('clearing the user name says the stored password will be removed, and saving removes it', async ({ page, request }) => {
  await saveViaApi(request, startTlsForm());
  await gotoConsole(page);
  await expect(page.locator('[data-testid=password-state]')).toContainText('A password is stored');

  await page.locator('#user_name').fill('');

  await expect(fieldWarning(page, 'password')).toContainText('removes the stored password');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('.banner.success')).toContainText('The stored password was removed');
  const settings = await getSettings(request);
  expect(settings.password_stored).toBe(false);
  expect(settings.user_name).toBeNull();
});
