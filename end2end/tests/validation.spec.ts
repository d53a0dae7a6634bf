// Live validation on the page (messages beside the right field while typing, before Save),
// Save refusing an invalid form, and the server enforcing the same rules without the page.
import { expect, test } from '@playwright/test';
import {
  fieldError,
  fieldWarning,
  fillSmtp,
  getSettings,
  gotoConsole,
  postfixEnv,
  resetViaApi,
  save,
  smtpForm,
} from './support';

test.beforeEach(async ({ request }) => {
  await resetViaApi(request);
});

test('bad values are reported beside their fields while typing', async ({ page }) => {
  await gotoConsole(page);
  // Untouched fields show nothing yet, even though the empty form is not valid.
  await expect(page.locator('p.message.error')).toHaveCount(0);

  await fillSmtp(page, { server: 'smtp..example' });
  await expect(fieldError(page, 'server_name')).toBeVisible();
  await expect(fieldError(page, 'server_name')).toHaveAttribute('id', 'server_name-error');
  await expect(page.locator('#server_name')).toHaveAttribute('aria-invalid', 'true');

  await fillSmtp(page, { port: '70000' });
  await expect(fieldError(page, 'port')).toContainText('1 to 65535');

  await fillSmtp(page, { timeout: '0' });
  await expect(fieldError(page, 'timeout')).toContainText('1 to 300');

  await fillSmtp(page, { from: 'a@x.example, b@y.example' });
  await expect(fieldError(page, 'from_address')).toHaveText('Enter exactly one address');

  await page.locator('#password').fill('first-secret');
  await page.locator('#password_confirm').fill('second-secret');
  await expect(fieldError(page, 'password_confirm')).toContainText('do not match');

  // Each message sits beside its own field only, and nothing was submitted.
  await expect(page.locator('p.message.error')).toHaveCount(5);
  await expect(page.locator('.banner')).toHaveCount(0);

  // Correcting a field removes its message at once.
  await fillSmtp(page, { server: 'smtp.example.net' });
  await expect(fieldError(page, 'server_name')).toHaveCount(0);
  await expect(page.locator('#server_name')).toHaveAttribute('aria-invalid', 'false');
  await page.locator('#password_confirm').fill('first-secret');
  await expect(fieldError(page, 'password_confirm')).toHaveCount(0);
});

test('port 465 with no security is a warning, not an error', async ({ page }) => {
  await gotoConsole(page);
  await fillSmtp(page, { server: 'smtp.example.net', security: 'none', port: '465' });
  await expect(fieldWarning(page, 'port')).toContainText('SSL');
  await expect(fieldError(page, 'port')).toHaveCount(0);
  await expect(page.locator('#port')).toHaveAttribute('aria-invalid', 'false');

  // Choosing SSL makes the warning go away.
  await fillSmtp(page, { security: 'ssl' });
  await expect(fieldWarning(page, 'port')).toHaveCount(0);
});

test('a URL or host:port in Server name is explained as such, not as a bad IPv6 address', async ({ page }) => {
  // An admin pasting "https://smtp.example.net" or "smtp.example.net:587" typed no IPv6
  // address; the message should say what to change (drop the scheme / move the port).
  await gotoConsole(page);
  await fillSmtp(page, { server: 'smtp.example.net:587' });
  await expect(fieldError(page, 'server_name')).toContainText('Port field');
  await expect(fieldError(page, 'server_name')).not.toContainText('IPv6');
  await fillSmtp(page, { server: 'https://smtp.example.net' });
  await expect(fieldError(page, 'server_name')).toBeVisible();
  await expect(fieldError(page, 'server_name')).not.toContainText('IPv6');
});

test('Save with errors shows an error banner and stores nothing', async ({ page, request }) => {
  let saveRequests = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/smtp/save')) saveRequests += 1;
  });
  await gotoConsole(page);
  await fillSmtp(page, { server: 'smtp..example', port: '70000', from: 'alerts@console.test' });
  await save(page);

  await expect(page.locator('.banner.error')).toContainText('Not saved');
  await expect(page.locator('.banner.success')).toHaveCount(0);
  await expect(fieldError(page, 'server_name')).toBeVisible();
  await expect(fieldError(page, 'port')).toBeVisible();
  // The first field in error gets the keyboard focus.
  await expect(page.locator('#server_name')).toBeFocused();
  expect(await getSettings(request)).toBeNull();
  expect(saveRequests, 'an invalid form is not sent to the server').toBe(0);
  await expect(page.locator('.saved-at')).toContainText('Not configured');
});

test('Save with an empty form marks every required field', async ({ page, request }) => {
  await gotoConsole(page);
  await page.locator('#port').fill('');
  await save(page);
  await expect(page.locator('.banner.error')).toContainText('Not saved');
  await expect(fieldError(page, 'server_name')).toBeVisible();
  await expect(fieldError(page, 'port')).toContainText('Enter a port');
  await expect(fieldError(page, 'from_address')).toBeVisible();
  expect(await getSettings(request)).toBeNull();
});

test('the server rejects an invalid form sent straight to the API', async ({ request }) => {
  const response = await request.post('/api/smtp/save', {
    data: {
      form: smtpForm({
        server_name: 'smtp..example',
        port: '70000',
        timeout_secs: '0',
        from_address: 'a@x.example, b@y.example',
      }),
    },
  });
  expect(response.status()).toBe(422);
  const body = await response.json();
  expect(Array.isArray(body.Invalid)).toBe(true);
  const byField = Object.fromEntries(
    body.Invalid.map((e: { field: string; message: string }) => [e.field, e.message]),
  );
  expect(Object.keys(byField).sort()).toEqual(['from_address', 'port', 'server_name', 'timeout']);
  expect(byField.from_address).toBe('Enter exactly one address');
  expect(byField.port).toContain('1 to 65535');
  expect(await getSettings(request)).toBeNull();
});

test('the server rejects a password with no user name and mismatched boxes', async ({ request }) => {
  const response = await request.post('/api/smtp/save', {
    data: {
      form: smtpForm({
        password: { new_password: 'one', confirm: 'two', remove_stored: false },
      }),
    },
  });
  expect(response.status()).toBe(422);
  const fields = (await response.json()).Invalid.map((e: { field: string }) => e.field);
  expect(fields).toContain('password_confirm');
  expect(fields).toContain('user_name');
  expect(await getSettings(request)).toBeNull();
});

for (const [name, injected] of [
  ['CR LF', 'alerts@console.test\r\nBcc: victim@example.org'],
  ['LF', 'alerts@console.test\nBcc: victim@example.org'],
  ['CR LF in the display name', 'Alerts\r\nBcc: victim@example.org <alerts@console.test>'],
] as const) {
  test(`the server rejects header injection (${name}) in the From address`, async ({ request }) => {
    const response = await request.post('/api/smtp/save', {
      data: { form: smtpForm({ from_address: injected }) },
    });
    expect(response.status()).toBe(422);
    const body = await response.json();
    expect(body.Invalid.map((e: { field: string }) => e.field)).toEqual(['from_address']);
    expect(await getSettings(request)).toBeNull();
  });
}

test('the server rejects header injection in the user name', async ({ request }) => {
  const response = await request.post('/api/smtp/save', {
    data: {
      form: smtpForm({
        port: String(postfixEnv().startTlsPort),
        security: 'starttls',
        user_name: 'relay-user\r\nRCPT TO:<victim@example.org>',
        password: { new_password: 'x', confirm: 'x', remove_stored: false },
      }),
    },
  });
  expect(response.status()).toBe(422);
  const fields = (await response.json()).Invalid.map((e: { field: string }) => e.field);
  expect(fields).toContain('user_name');
  expect(await getSettings(request)).toBeNull();
});

test('a malformed request body is a client error (4xx), not a server error', async ({ request }) => {
  // Today: HTTP 500 {"Transport":"error deserializing server function results: ..."}; the
  // request, not a result, failed to parse, and nothing on the server went wrong.
  const cases: Array<[string, unknown]> = [
    ['unknown security value', { form: { ...smtpForm(), security: 'tls13' } }],
    ['missing fields', { form: {} }],
  ];
  for (const [name, data] of cases) {
    const response = await request.post('/api/smtp/save', { data });
    expect(response.status(), `${name}: ${await response.text()}`).toBeGreaterThanOrEqual(400);
    expect(response.status(), `${name}: ${await response.text()}`).toBeLessThan(500);
  }
  expect(await getSettings(request)).toBeNull();
});
