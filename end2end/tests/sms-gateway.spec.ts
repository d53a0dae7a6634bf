// The SMS Gateway page: each kind of gateway configured through the page and a test SMS that
// really arrives (the test Kannel's fake SMSC, a local HTTP receiver standing in for a generic
// or Twilio-compatible API, the Postfix Maildir for email-to-SMS); the recipient and length
// rules of the Send Test SMS dialog; validation beside the fields; the write-only secret; Reset.
import { test as base, expect, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import {
  fieldError,
  fieldWarning,
  gotoConsole,
  newToken,
  plainForm,
  postfixEnv,
  resetViaApi,
  saveViaApi,
  waitForMail,
} from './support';
import {
  KANNEL_SENDER,
  emailToSmsForm,
  fakeSmscMark,
  fillKannel,
  getSmsSettings,
  gotoSmsPage,
  expectSmsPageReady,
  httpForm,
  kannelEnv,
  kannelForm,
  kannelPassword,
  openTestSmsDialog,
  refusedSmsSave,
  reloadSmsPage,
  resetSmsViaApi,
  saveSms,
  saveSmsViaApi,
  sendTestSms,
  smsForm,
  smsMentioning,
  smsText,
  startReceiver,
  waitForSms,
  type HttpReceiver,
} from './sms-support';

/** A local HTTP receiver for the tests that need one; closed after the test. */
const test = base.extend<{ receiver: HttpReceiver }>({
  receiver: async ({}, use) => {
    const receiver = await startReceiver();
    await use(receiver);
    await receiver.close();
  },
});

test.beforeEach(async ({ request }) => {
  await resetSmsViaApi(request);
  await resetViaApi(request);
});

/** Counts the Send Test SMS requests the page makes. */
function countTestSmsRequests(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/sms/test-sms')) sent.push(r.postData() ?? '');
  });
  return sent;
}

/** Counts the Save requests the page makes. */
function countSaveRequests(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/sms/save')) sent.push(r.postData() ?? '');
  });
  return sent;
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Kannel

test('Kannel set up through the page: saved with a write-only password, and test SMS arrive exactly', async ({ page, request }) => {
  const kannel = kannelEnv();
  const password = kannelPassword();

  // From the SMTP page, the link at the top leads to the SMS Gateway page.
  await gotoConsole(page);
  await page.getByRole('link', { name: 'Configure SMS Gateway' }).click();
  await expect(page).toHaveURL(/\/messaging\/sms$/);
  await expectSmsPageReady(page);
  await expect(page.locator('.saved-at')).toContainText('Not configured');
  await expect(page.locator('#sms_kind_kannel')).toBeChecked();
  await expect(page.locator('[data-testid=secret-state]')).toHaveText('No secret is stored.');

  await fillKannel(page, { url: kannel.sendsmsUrl, user: kannel.user, password, sender: KANNEL_SENDER });
  await expect(page.locator('p.message.error')).toHaveCount(0);
  await saveSms(page);

  await expect(page.locator('.banner.success')).toHaveText('Saved. The new secret is stored encrypted.');
  await expect(page.locator('.banner.error')).toHaveCount(0);
  await expect(page.locator('#sms_secret')).toHaveValue('');
  await expect(page.locator('[data-testid=secret-state]')).toContainText('A secret is stored');
  await expect(page.locator('.saved-at')).toContainText('Kannel gateway, last saved');

  // What is stored: the settings, and only the fact that a password is stored.
  const apiResponse = await request.get('/api/sms/settings');
  const apiBody = await apiResponse.text();
  expect(apiBody.includes(password), 'GET /api/sms/settings must not contain the password').toBe(false);
  expect(apiBody.includes(encodeURIComponent(password)), 'nor the URL-encoded password').toBe(false);
  const stored = JSON.parse(apiBody);
  expect(stored.gateway).toMatchObject({
    kind: 'kannel',
    url: kannel.sendsmsUrl,
    user_name: kannel.user,
    sender: KANNEL_SENDER,
    dlr_mask: 0,
  });
  expect(stored.secret_stored).toBe(true);
  expect(stored.max_segments).toBe(6);
  expect(stored.timeout_secs).toBe(30);

  // After a reload: the same fields, the secret box empty, never the password in the page.
  await reloadSmsPage(page);
  await expect(page.locator('#sms_kind_kannel')).toBeChecked();
  await expect(page.locator('#sms_url')).toHaveValue(kannel.sendsmsUrl);
  await expect(page.locator('#sms_user')).toHaveValue(kannel.user);
  await expect(page.locator('#sms_sender')).toHaveValue(KANNEL_SENDER);
  await expect(page.locator('#sms_secret')).toHaveValue('');
  await expect(page.locator('[data-testid=secret-state]')).toContainText('A secret is stored');
  const escaped = password.replace(/&/g, '&amp;');
  for (const html of [await page.content(), await (await request.get('/messaging/sms')).text()]) {
    expect(html.includes(password), 'the page must not contain the password').toBe(false);
    expect(html.includes(escaped), 'the page must not contain the HTML-escaped password').toBe(false);
  }

  // A Latin test SMS: the fake SMSC gets exactly this receiver and text.
  const latinToken = newToken();
  const latin = `Latin e2e test a+b & 100% ${latinToken}`;
  let mark = fakeSmscMark();
  const dialog = await openTestSmsDialog(page);
  await expect(dialog.locator('.will-use')).toContainText('Kannel');
  await expect(dialog.locator('.will-use')).toContainText(kannel.sendsmsUrl);
  await dialog.locator('#sms_recipient').fill('+44 7700 900123');
  await expect(dialog.locator('[data-testid=sms-number]')).toHaveText('+447700900123 · United Kingdom');
  await dialog.locator('#sms_message').fill(latin);
  await expect(dialog.locator('[data-testid=sms-counter]')).toHaveText(
    `${latin.length} characters · GSM-7 · 1 SMS (${160 - latin.length} left) · limit 6 SMS`,
  );
  await dialog.getByRole('button', { name: 'Send SMS', exact: true }).click();

  const sent = dialog.locator('.result[data-outcome=sent]');
  await expect(sent).toBeVisible();
  await expect(sent.locator('.summary')).toHaveText('The gateway accepted the SMS to +447700900123.');
  await expect(sent).toContainText('HTTP 202');
  await expect(sent.locator('code.reply')).toHaveText('0: Accepted for delivery');
  await expect(sent.locator('.elapsed')).toContainText(`${latin.length} characters, GSM-7, 1 SMS`);
  await expect(sent.locator('dl.used')).toContainText(kannel.sendsmsUrl);
  await expect(dialog).not.toContainText(password);

  const latinSms = await waitForSms(mark, latinToken);
  expect(latinSms).toEqual({ sender: KANNEL_SENDER, receiver: '+447700900123', kind: 'text', payload: latin });

  // Greek, Cyrillic and an emoji: UCS-2 on the air, decoded back to exactly the text typed.
  const ucs2Token = newToken();
  const nonLatin = `Γειά σου κόσμε, привет мир 😀 ${ucs2Token}`;
  mark = fakeSmscMark();
  await dialog.locator('#sms_message').fill(nonLatin);
  await expect(dialog.locator('[data-testid=sms-counter]')).toContainText('UCS-2 · 1 SMS');
  await expect(dialog.locator('[data-testid=sms-encoding-reason]')).toContainText(
    '‘ε’ is not in the GSM alphabet, so the message uses UCS-2',
  );
  await sendTestSms(page, dialog, '+44 7700 900124', nonLatin);
  await expect(sent.locator('.summary')).toHaveText('The gateway accepted the SMS to +447700900124.');
  await expect(sent.locator('code.reply')).toHaveText('0: Accepted for delivery');
  await expect(sent.locator('.elapsed')).toContainText('UCS-2, 1 SMS');

  const ucs2Sms = await waitForSms(mark, ucs2Token);
  expect(ucs2Sms.sender).toBe(KANNEL_SENDER);
  expect(ucs2Sms.receiver).toBe('+447700900124');
  expect(ucs2Sms.kind).toBe('ucs-2');
  expect(smsText(ucs2Sms)).toBe(nonLatin);
});

test('Send Test SMS on the SMTP page uses the saved gateway', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm());
  const token = newToken();
  const message = `From the SMTP page ${token}`;
  const mark = fakeSmscMark();
  await gotoConsole(page);

  const dialog = await openTestSmsDialog(page);
  await expect(dialog.locator('.will-use')).toContainText('Kannel');
  await expect(dialog.locator('.will-use')).toContainText(kannelEnv().sendsmsUrl);
  await sendTestSms(page, dialog, '+44 7700 900125', message);

  const sent = dialog.locator('.result[data-outcome=sent]');
  await expect(sent).toBeVisible();
  await expect(sent.locator('code.reply')).toHaveText('0: Accepted for delivery');
  const sms = await waitForSms(mark, token);
  expect(sms).toEqual({ sender: KANNEL_SENDER, receiver: '+447700900125', kind: 'text', payload: message });

  // The dialog closes and leaves the SMTP form usable.
  await dialog.locator('.actions').getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await page.locator('#port').fill('2602');
  await expect(page.locator('#port')).toHaveValue('2602');
});

test('without a saved gateway the dialog says so and the server refuses', async ({ page, request }) => {
  await gotoConsole(page);
  const dialog = await openTestSmsDialog(page);
  await expect(dialog.locator('.banner.error')).toContainText('No SMS gateway is saved yet');
  await expect(dialog.getByRole('link', { name: 'configure one' })).toHaveAttribute('href', '/messaging/sms');
  await dialog.locator('#sms_recipient').fill('+44 7700 900123');
  await expect(dialog.getByRole('button', { name: 'Send SMS', exact: true })).toBeDisabled();

  const response = await request.post('/api/sms/test-sms', {
    data: { form: { recipient: '+447700900123', message: 'hi' } },
  });
  expect(response.status()).toBe(409);
});

// ---------------------------------------------------------------------------------------------
// The dialog's rules

test('a recipient that is not an international mobile number is refused beside the field', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm());
  const sends = countTestSmsRequests(page);
  const token = newToken();
  const mark = fakeSmscMark();
  await gotoSmsPage(page);
  const dialog = await openTestSmsDialog(page);
  await dialog.locator('#sms_message').fill(`number rules ${token}`);
  const recipient = dialog.locator('#sms_recipient');
  const error = dialog.locator('#sms_recipient-error');

  const cases: Array<[string, string | RegExp]> = [
    [
      '07700 900123',
      'Start with + and the country code: this looks like a national number, so also leave out its leading 0 (e.g. +44 7700 900123, not 07700 900123)',
    ],
    ['+44 7700 9OO123', /^Remove the letter 'O': after the \+ a phone number has only digits/],
    ['+44 07700 900123', 'Remove the leading 0 after +44: international numbers drop the national trunk 0'],
    ['+44 7700 9001', 'Too short for +44 (United Kingdom): expected 10 digits after the country code, found 8'],
    ['+44 7700 9001234', 'Too long for +44 (United Kingdom): expected 10 digits after the country code, found 11'],
  ];
  for (const [typed, expected] of cases) {
    await recipient.fill(typed);
    await expect(error, typed).toHaveText(expected);
    await expect(error).toHaveAttribute('data-field', 'sms_recipient');
    await expect(dialog.locator('[data-testid=sms-number]'), typed).toHaveCount(0);
    // Send SMS keeps the message beside the field and sends nothing.
    await dialog.getByRole('button', { name: 'Send SMS', exact: true }).click();
    await expect(error, typed).toHaveText(expected);
    await expect(dialog.locator('.result')).toHaveCount(0);
  }
  expect(sends, 'nothing is sent while the recipient is invalid').toHaveLength(0);

  // The server applies the same rule to a client that skips the page.
  const response = await request.post('/api/sms/test-sms', {
    data: { form: { recipient: '+44 07700 900123', message: `never ${token}` } },
  });
  expect(response.status()).toBe(422);
  const fields = (await response.json()).Invalid.map((e: { field: string }) => e.field);
  expect(fields).toEqual(['sms_recipient']);

  // Corrected, exactly one SMS goes out, to that number.
  await recipient.fill('+44 7700 900126');
  await expect(error).toHaveCount(0);
  await expect(dialog.locator('[data-testid=sms-number]')).toHaveText('+447700900126 · United Kingdom');
  await dialog.getByRole('button', { name: 'Send SMS', exact: true }).click();
  await expect(dialog.locator('.result[data-outcome=sent]')).toBeVisible();
  const sms = await waitForSms(mark, token);
  expect(sms.receiver).toBe('+447700900126');
  expect(sends).toHaveLength(1);
  expect(smsMentioning(mark, token)).toHaveLength(1);
});

test('the counter shows encoding and segments, and the segment limit is enforced', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm({ max_segments: '1' }));
  const sends = countTestSmsRequests(page);
  await gotoSmsPage(page);
  const dialog = await openTestSmsDialog(page);
  await expect(dialog.locator('.will-use')).toContainText('at most 1 SMS per message');
  await dialog.locator('#sms_recipient').fill('+44 7700 900127');
  const message = dialog.locator('#sms_message');
  const counter = dialog.locator('[data-testid=sms-counter]');
  const error = dialog.locator('#sms_message-error');

  // GSM-7: 160 characters fit one SMS, 161 need two segments of 153.
  await message.fill('a'.repeat(160));
  await expect(counter).toHaveText('160 characters · GSM-7 · 1 SMS (0 left) · limit 1 SMS');
  await expect(counter).not.toHaveClass(/\bover\b/);
  await expect(error).toHaveCount(0);
  await expect(dialog.locator('[data-testid=sms-encoding-reason]')).toHaveCount(0);

  await message.fill('a'.repeat(161));
  await expect(counter).toHaveText('161 characters · GSM-7 · 2 SMS (145 left) · limit 1 SMS');
  await expect(counter).toHaveClass(/\bover\b/);
  await expect(error).toHaveText(
    'The message needs 2 SMS segments (GSM-7); the gateway allows at most 1: shorten it by 1 character',
  );

  // '€' is in the extension table: two septets.
  await message.fill(`${'a'.repeat(158)}€`);
  await expect(counter).toHaveText('159 characters · GSM-7 · 1 SMS (0 left) · limit 1 SMS');
  await expect(error).toHaveCount(0);
  await message.fill(`${'a'.repeat(159)}€`);
  await expect(counter).toHaveText('160 characters · GSM-7 · 2 SMS (145 left) · limit 1 SMS');
  await expect(error).toContainText('shorten it by 1 character');

  // UCS-2: 70 per SMS, an emoji takes two of them.
  await message.fill('Привет');
  await expect(counter).toHaveText('6 characters · UCS-2 · 1 SMS (64 left) · limit 1 SMS');
  await expect(dialog.locator('[data-testid=sms-encoding-reason]')).toHaveText(
    '‘П’ is not in the GSM alphabet, so the message uses UCS-2 (70 characters per SMS)',
  );
  await message.fill('Hi 😀');
  await expect(counter).toHaveText('4 characters · UCS-2 · 1 SMS (65 left) · limit 1 SMS');
  await message.fill('Ж'.repeat(71));
  await expect(counter).toHaveText('71 characters · UCS-2 · 2 SMS (63 left) · limit 1 SMS');
  await expect(error).toHaveText(
    'The message needs 2 SMS segments (UCS-2); the gateway allows at most 1: shorten it by 1 character',
  );

  // Over the limit: Send SMS sends nothing.
  await message.fill('a'.repeat(161));
  await dialog.getByRole('button', { name: 'Send SMS', exact: true }).click();
  await expect(error).toContainText('shorten it by 1 character');
  await expect(dialog.locator('.result')).toHaveCount(0);
  expect(sends, 'nothing is sent while the message is too long').toHaveLength(0);

  // The server enforces the saved limit too.
  const response = await request.post('/api/sms/test-sms', {
    data: { form: { recipient: '+447700900127', message: 'a'.repeat(161) } },
  });
  expect(response.status()).toBe(422);
  const invalid = (await response.json()).Invalid;
  expect(invalid).toHaveLength(1);
  expect(invalid[0].field).toBe('sms_message');
  expect(invalid[0].message).toContain('shorten it by 1 character');

  // Exactly 160 characters go out as one SMS.
  const token = newToken();
  const full = `${token} ${'x'.repeat(160 - token.length - 1)}`;
  const mark = fakeSmscMark();
  await message.fill(full);
  await expect(counter).toHaveText('160 characters · GSM-7 · 1 SMS (0 left) · limit 1 SMS');
  await dialog.getByRole('button', { name: 'Send SMS', exact: true }).click();
  const sent = dialog.locator('.result[data-outcome=sent]');
  await expect(sent).toBeVisible();
  await expect(sent.locator('.elapsed')).toContainText('160 characters, GSM-7, 1 SMS');
  const sms = await waitForSms(mark, token);
  expect(sms).toEqual({ sender: KANNEL_SENDER, receiver: '+447700900127', kind: 'text', payload: full });
  expect(sends).toHaveLength(1);
});

test('the dialog tests the saved gateway and says so when the page has unsaved changes', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm());
  await gotoSmsPage(page);
  await expect(page.locator('.saved-at')).not.toContainText('Unsaved changes');
  let dialog = await openTestSmsDialog(page);
  await expect(dialog.locator('.banner.warning')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  await page.locator('#sms_url').fill('http://127.0.0.1:14999/cgi-bin/sendsms');
  await expect(page.locator('.saved-at')).toContainText('Unsaved changes');
  dialog = await openTestSmsDialog(page);
  await expect(dialog.locator('.banner.warning')).toContainText('unsaved changes');
  await expect(dialog.locator('.will-use')).toContainText(kannelEnv().sendsmsUrl);

  // It really uses the saved gateway: the SMS arrives through the test Kannel.
  const token = newToken();
  const mark = fakeSmscMark();
  await sendTestSms(page, dialog, '+44 7700 900136', `saved gateway ${token}`);
  await expect(dialog.locator('.result[data-outcome=sent]')).toBeVisible();
  await waitForSms(mark, token);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('#sms_url')).toHaveValue('http://127.0.0.1:14999/cgi-bin/sendsms');
});

// ---------------------------------------------------------------------------------------------
// Generic HTTP and Twilio-compatible, against a local receiver

test('generic HTTP: a JSON body with bearer token reaches the receiver exactly; refusals are classified', async ({ page, request, receiver }) => {
  const token = `tok-${hex(12)}`;
  const msgToken = newToken();
  receiver.reply = {
    status: 200,
    body: `{"id":"msg-${msgToken}","status":"queued"}`,
    contentType: 'application/json',
  };
  await gotoSmsPage(page);
  await page.locator('#sms_kind_http').check();
  await page.locator('#sms_url').fill(`${receiver.base}/v1/messages?to={number}`);
  await page.locator('#sms_method').selectOption({ label: 'POST' });
  await page.locator('#sms_content_type').selectOption({ label: 'JSON' });
  await page.locator('#sms_body').fill('{{"to":"{number}","text":"{message}"}}');
  await page.locator('#sms_headers').fill('X-Tenant: nac-e2e');
  await page.locator('#sms_auth').selectOption({ label: 'Bearer token' });
  await page.locator('#sms_secret').fill(token);
  await page.locator('#sms_success_contains').fill('"status":"queued"');
  await expect(page.locator('p.message.error')).toHaveCount(0);
  await saveSms(page);
  await expect(page.locator('.banner.success')).toHaveText('Saved. The new secret is stored encrypted.');

  const stored = await getSmsSettings(request);
  expect(stored.gateway).toMatchObject({
    kind: 'http',
    url: `${receiver.base}/v1/messages?to={number}`,
    method: 'post',
    body_type: 'json',
    auth: 'bearer',
    body: '{{"to":"{number}","text":"{message}"}}',
    headers: [['X-Tenant', 'nac-e2e']],
  });
  expect(stored.secret_stored).toBe(true);
  expect(JSON.stringify(stored).includes(token)).toBe(false);

  // A '+', quotes, '&', '%', a line break and non-Latin letters, all through JSON escaping.
  const message = `Line 1: a+b "quoted" & 100% \\ ${msgToken}\nΓειά σου, мир ✓`;
  const dialog = await openTestSmsDialog(page);
  await expect(dialog.locator('.will-use')).toContainText('Generic HTTP');
  await expect(dialog.locator('.will-use')).toContainText(`${receiver.base}/v1/messages`);
  await sendTestSms(page, dialog, '+44 7700 900128', message);

  const sent = dialog.locator('.result[data-outcome=sent]');
  await expect(sent).toBeVisible();
  await expect(sent).toContainText('HTTP 200');
  await expect(sent.locator('code.reply')).toHaveText(`{"id":"msg-${msgToken}","status":"queued"}`);
  await expect(sent).toContainText(`Message id: msg-${msgToken}`);
  await expect(dialog).not.toContainText(token);

  expect(receiver.requests).toHaveLength(1);
  const got = receiver.requests[0];
  expect(got.method).toBe('POST');
  expect(got.url).toBe('/v1/messages?to=%2B447700900128');
  expect(got.headers['authorization']).toBe(`Bearer ${token}`);
  expect(got.headers['content-type']).toBe('application/json');
  expect(got.headers['x-tenant']).toBe('nac-e2e');
  expect(got.headers['host']).toBe(`127.0.0.1:${receiver.port}`);
  expect(JSON.parse(got.body)).toEqual({ to: '+447700900128', text: message });

  // HTTP 500: a failure, with the gateway's answer.
  receiver.reply = { status: 500, body: `Internal error: queue full ${msgToken}` };
  await sendTestSms(page, dialog, '+44 7700 900128', `second ${msgToken}`);
  const failed = dialog.locator('.result[data-outcome=failed]');
  await expect(failed).toBeVisible();
  await expect(failed).toHaveAttribute('data-kind', 'gateway_rejected');
  await expect(failed.locator('.summary')).toContainText('HTTP 500');
  await expect(failed.locator('code.reply')).toHaveText(`Internal error: queue full ${msgToken}`);
  await expect(dialog.locator('.result[data-outcome=sent]')).toHaveCount(0);

  // HTTP 401: the token was refused.
  receiver.reply = { status: 401, body: 'invalid bearer token' };
  await sendTestSms(page, dialog, '+44 7700 900128', `third ${msgToken}`);
  const refused = dialog.locator('.result[data-outcome=failed][data-kind=auth_rejected]');
  await expect(refused).toBeVisible();
  await expect(refused.locator('.summary')).toContainText('HTTP 401');
  await expect(refused.locator('code.reply')).toHaveText('invalid bearer token');
  await expect(refused).not.toContainText(token);

  // HTTP 200 without the success text: still a failure.
  receiver.reply = { status: 200, body: '{"status":"rejected"}', contentType: 'application/json' };
  await sendTestSms(page, dialog, '+44 7700 900128', `fourth ${msgToken}`);
  const unmatched = dialog.locator('.result[data-outcome=failed][data-kind=gateway_rejected]');
  await expect(unmatched).toBeVisible();
  await expect(unmatched.locator('.summary')).toContainText('does not contain');
  await expect(unmatched.locator('code.reply')).toHaveText('{"status":"rejected"}');

  expect(receiver.requests).toHaveLength(4);
  expect(receiver.requests.map((r) => JSON.parse(r.body).text)).toEqual([
    message,
    `second ${msgToken}`,
    `third ${msgToken}`,
    `fourth ${msgToken}`,
  ]);
});

test('Twilio-compatible: the Messages resource gets basic auth and To/From/Body; errors are classified', async ({ page, request, receiver }) => {
  const sid = `AC${hex(16)}`;
  const authToken = hex(16);
  const messageSid = `SM${hex(16)}`;
  receiver.reply = {
    status: 201,
    body: JSON.stringify({ sid: messageSid, status: 'queued' }),
    contentType: 'application/json',
  };
  await gotoSmsPage(page);
  await page.locator('#sms_kind_twilio').check();
  await expect(page.locator('#sms_url')).toHaveValue('https://api.twilio.com');
  await page.locator('#sms_url').fill(receiver.base);
  await page.locator('#sms_account_sid').fill(sid);
  await page.locator('#sms_secret').fill(authToken);
  await page.locator('#sms_sender').fill('+44 7700 900001');
  await expect(page.locator('p.message.error')).toHaveCount(0);
  await saveSms(page);
  await expect(page.locator('.banner.success')).toHaveText('Saved. The new secret is stored encrypted.');
  const stored = await getSmsSettings(request);
  expect(stored.gateway).toMatchObject({
    kind: 'twilio',
    account_sid: sid,
    sender: { type: 'from', value: '+447700900001' },
  });
  expect(JSON.stringify(stored).includes(authToken)).toBe(false);

  const token = newToken();
  const message = `Twilio e2e: a+b & 100% "q" ${token}`;
  const dialog = await openTestSmsDialog(page);
  await expect(dialog.locator('.will-use')).toContainText('Twilio-compatible API');
  await expect(dialog.locator('.will-use')).toContainText(`${receiver.base}/2010-04-01/Accounts/${sid}/Messages.json`);
  await sendTestSms(page, dialog, '+44 7700 900129', message);

  const sent = dialog.locator('.result[data-outcome=sent]');
  await expect(sent).toBeVisible();
  await expect(sent).toContainText('HTTP 201');
  await expect(sent).toContainText(`Message id: ${messageSid}`);

  expect(receiver.requests).toHaveLength(1);
  const got = receiver.requests[0];
  expect(got.method).toBe('POST');
  expect(got.url).toBe(`/2010-04-01/Accounts/${sid}/Messages.json`);
  expect(got.headers['authorization']).toBe(`Basic ${Buffer.from(`${sid}:${authToken}`).toString('base64')}`);
  expect(got.headers['content-type']).toBe('application/x-www-form-urlencoded');
  const fields = new URLSearchParams(got.body);
  expect([...fields.keys()].sort()).toEqual(['Body', 'From', 'To']);
  expect(fields.get('To')).toBe('+447700900129');
  expect(fields.get('From')).toBe('+447700900001');
  expect(fields.get('Body')).toBe(message);

  // Twilio's error 21211: the recipient was refused.
  receiver.reply = {
    status: 400,
    body: JSON.stringify({ code: 21211, message: "Invalid 'To' Phone Number", status: 400 }),
    contentType: 'application/json',
  };
  await sendTestSms(page, dialog, '+44 7700 900129', `refused ${token}`);
  const failed = dialog.locator('.result[data-outcome=failed]');
  await expect(failed).toBeVisible();
  await expect(failed).toHaveAttribute('data-kind', 'recipient_rejected');
  await expect(failed.locator('.summary')).toContainText('21211');
  await expect(failed.locator('.summary')).toContainText("Invalid 'To' Phone Number");
  await expect(failed).not.toContainText(authToken);
  expect(receiver.requests).toHaveLength(2);
});

// ---------------------------------------------------------------------------------------------
// Failures

test('Kannel refusals are classified: a wrong password and a missing sender', async ({ page, request }) => {
  const mark = fakeSmscMark();
  const token = newToken();
  await saveSmsViaApi(request, kannelForm({ secret: 'not-the-password' }));
  await gotoSmsPage(page);
  const dialog = await openTestSmsDialog(page);
  await sendTestSms(page, dialog, '+44 7700 900132', `wrong password ${token}`);
  const refused = dialog.locator('.result[data-outcome=failed]');
  await expect(refused).toHaveAttribute('data-kind', 'auth_rejected');
  await expect(refused).toContainText('HTTP 403');
  await expect(refused.locator('code.reply')).toHaveText('Authorization failed for sendsms');
  await expect(refused).not.toContainText('not-the-password');

  // No sender: this sendsms-user has no default one.
  await saveSmsViaApi(request, kannelForm({ kannel: { sender: '' } }));
  await reloadSmsPage(page);
  const again = await openTestSmsDialog(page);
  await sendTestSms(page, again, '+44 7700 900132', `no sender ${token}`);
  const noSender = again.locator('.result[data-outcome=failed]');
  await expect(noSender).toHaveAttribute('data-kind', 'gateway_rejected');
  await expect(noSender).toContainText('HTTP 400');
  await expect(noSender.locator('code.reply')).toHaveText('Sender missing and no global set, rejected');
  await expect(noSender.locator('.hint')).toContainText('Enter a sender');

  // With both right, the next SMS arrives, and it is the only one with the token.
  await saveSmsViaApi(request, kannelForm());
  await reloadSmsPage(page);
  const last = await openTestSmsDialog(page);
  await sendTestSms(page, last, '+44 7700 900132', `accepted ${token}`);
  await expect(last.locator('.result[data-outcome=sent]')).toBeVisible();
  const sms = await waitForSms(mark, `accepted ${token}`);
  expect(sms.receiver).toBe('+447700900132');
  expect(smsMentioning(mark, token).map((m) => smsText(m))).toEqual([`accepted ${token}`]);
});

test('a closed port is reported as connection refused', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm({ kannel: { url: 'http://127.0.0.1:1/cgi-bin/sendsms' } }));
  await gotoSmsPage(page);
  const dialog = await openTestSmsDialog(page);
  await sendTestSms(page, dialog, '+44 7700 900133', 'nobody listens');
  const failed = dialog.locator('.result[data-outcome=failed]');
  await expect(failed).toHaveAttribute('data-kind', 'connection_refused');
  await expect(failed.locator('dl.used')).toContainText('http://127.0.0.1:1/cgi-bin/sendsms');
  await expect(failed).not.toContainText(kannelPassword());
});

test('a gateway that never answers times out, with progress shown meanwhile', async ({ page, request, receiver }) => {
  receiver.reply = { status: 200, body: '', hang: true };
  await saveSmsViaApi(request, httpForm(`${receiver.base}/send`, { timeout_secs: '2' }));
  await gotoSmsPage(page);
  const dialog = await openTestSmsDialog(page);
  await dialog.locator('#sms_recipient').fill('+44 7700 900134');
  await dialog.locator('#sms_message').fill('never answered');
  await dialog.getByRole('button', { name: 'Send SMS', exact: true }).click();

  const progress = dialog.locator('p.progress');
  await expect(progress).toBeVisible();
  await expect(progress).toContainText(`Generic HTTP (${receiver.base}/send)`);
  await expect(progress).toContainText('up to 2 s');
  await expect(dialog.getByRole('button', { name: 'Sending…' })).toBeDisabled();

  const failed = dialog.locator('.result[data-outcome=failed]');
  await expect(failed).toBeVisible();
  await expect(failed).toHaveAttribute('data-kind', 'timeout');
  await expect(progress).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Send SMS', exact: true })).toBeEnabled();
  expect(receiver.requests).toHaveLength(1);
  expect(receiver.requests[0].body).toBe('to=%2B447700900134&text=never%20answered');
});

test('a redirect is reported and not followed, so the secret goes nowhere else', async ({ page, request, receiver }) => {
  const apiKey = `key-${hex(12)}`;
  receiver.reply = {
    status: 302,
    body: '',
    headers: { Location: `${receiver.base}/elsewhere?session=abc123` },
  };
  await saveSmsViaApi(
    request,
    httpForm(`${receiver.base}/send`, { secret: apiKey, http: { auth: 'header', auth_header: 'X-Api-Key' } }),
  );
  await gotoSmsPage(page);
  const dialog = await openTestSmsDialog(page);
  await sendTestSms(page, dialog, '+44 7700 900135', 'redirected');
  const failed = dialog.locator('.result[data-outcome=failed]');
  await expect(failed).toHaveAttribute('data-kind', 'redirected');
  await expect(failed.locator('.summary')).toContainText('HTTP 302');
  await expect(failed.locator('.summary')).toContainText(`${receiver.base}/elsewhere`);
  await expect(failed).not.toContainText('session=abc123');
  await expect(failed).not.toContainText(apiKey);

  expect(receiver.requests.map((r) => r.url)).toEqual(['/send']);
  expect(receiver.requests[0].headers['x-api-key']).toBe(apiKey);
});

// ---------------------------------------------------------------------------------------------
// Email-to-SMS

test('email-to-SMS: the mail arrives at the templated address with the SMS text as body', async ({ page, request }) => {
  const env = postfixEnv();
  await saveViaApi(request, plainForm());
  await gotoSmsPage(page);
  await page.locator('#sms_kind_email_to_sms').check();
  await expect(page.locator('[data-testid=secret-state]')).toHaveCount(0);
  await page.locator('#sms_address_template').fill(`{number_digits}@${env.rcptDomain}`);
  await expect(page.locator('p.message.error')).toHaveCount(0);
  await saveSms(page);
  await expect(page.locator('.banner.success')).toHaveText('Saved.');
  expect((await getSmsSettings(request)).gateway).toEqual({
    kind: 'email_to_sms',
    address: `{number_digits}@${env.rcptDomain}`,
  });

  const token = newToken();
  const message = `Email-to-SMS e2e ${token}: Γειά σου`;
  const dialog = await openTestSmsDialog(page);
  await expect(dialog.locator('.will-use')).toContainText('Email-to-SMS');
  await sendTestSms(page, dialog, '+44 7700 900130', message);

  const sent = dialog.locator('.result[data-outcome=sent]');
  await expect(sent).toBeVisible();
  await expect(sent.locator('code.reply')).toHaveText(/^250 /);
  await expect(sent.locator('dl.used')).toContainText(`447700900130@${env.rcptDomain}`);

  const mail = await waitForMail(token);
  expect(mail.headers['to']).toContain(`447700900130@${env.rcptDomain}`);
  expect(mail.headers['from']).toContain('alerts@console.test');
  expect(mail.body.replace(/\n+$/, '')).toBe(message);
});

test('email-to-SMS without SMTP settings says the SMTP server is needed', async ({ page, request }) => {
  await saveSmsViaApi(request, emailToSmsForm(`{number_digits}@${postfixEnv().rcptDomain}`));
  await gotoSmsPage(page);
  const dialog = await openTestSmsDialog(page);
  await sendTestSms(page, dialog, '+44 7700 900131', `no smtp ${newToken()}`);
  const error = dialog.locator('.result[data-outcome=error]');
  await expect(error).toBeVisible();
  await expect(error).toContainText('no SMTP settings are saved');
  await expect(error).toContainText('SMTP Server page');

  const response = await request.post('/api/sms/test-sms', {
    data: { form: { recipient: '+447700900131', message: 'hi' } },
  });
  expect(response.status()).toBe(409);
});

// ---------------------------------------------------------------------------------------------
// Validation on Save

test('Kannel: a URL with a query and reports without a report URL are refused beside their fields', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm());
  const before = await getSmsSettings(request);
  const saves = countSaveRequests(page);
  await gotoSmsPage(page);

  await page.locator('#sms_url').fill(`${kannelEnv().sendsmsUrl}?user=console`);
  await expect(fieldError(page, 'sms_url')).toContainText('Remove the ?… part');
  await expect(page.locator('#sms_url-error')).toBeVisible();
  await expect(page.locator('#sms_url')).toHaveAttribute('aria-invalid', 'true');
  // A delivery report asked for: the report URL becomes required (its message is shown once
  // Save is pressed, as for any field not edited yet).
  await page.locator('#sms_dlr_1').check();
  await expect(page.locator('#sms_dlr_1')).toBeChecked();

  await saveSms(page);
  await expect(page.locator('.banner.error')).toHaveText('Not saved: 2 fields need attention.');
  await expect(fieldError(page, 'sms_dlr_url')).toHaveText('Enter the URL Kannel should call with the delivery reports');
  await expect(fieldError(page, 'sms_url')).toContainText('Remove the ?… part');
  await expect(page.locator('.banner.success')).toHaveCount(0);
  await expect(page.locator('#sms_url')).toBeFocused();
  expect(saves, 'an invalid form is not sent to the server').toHaveLength(0);
  expect(await getSmsSettings(request)).toEqual(before);

  // The server refuses the same form from a client that skips the page.
  const refused = await refusedSmsSave(
    request,
    kannelForm({ kannel: { url: `${kannelEnv().sendsmsUrl}?user=console`, dlr_mask: 1 } }),
  );
  expect(Object.keys(refused).sort()).toEqual(['sms_dlr_url', 'sms_url']);
  expect(refused.sms_url).toContain('Remove the ?… part');
  expect(await getSmsSettings(request)).toEqual(before);
});

test('generic HTTP: invalid JSON and an unknown placeholder are refused beside their fields', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm());
  const before = await getSmsSettings(request);
  const saves = countSaveRequests(page);
  await gotoSmsPage(page);

  await page.locator('#sms_kind_http').check();
  await page.locator('#sms_url').fill('http://127.0.0.1:9/send?to={phone}');
  await expect(fieldError(page, 'sms_url')).toContainText('Unknown placeholder {phone}');
  await expect(fieldError(page, 'sms_url')).toContainText('{number}');
  await page.locator('#sms_content_type').selectOption({ label: 'JSON' });
  await page.locator('#sms_body').fill('{{"to":{number},"text":"{message}"}}');
  await expect(fieldError(page, 'sms_body')).toContainText('not valid JSON');
  await expect(fieldError(page, 'sms_body')).toContainText('put each placeholder inside quotes');

  await saveSms(page);
  await expect(page.locator('.banner.error')).toHaveText('Not saved: 2 fields need attention.');
  expect(saves).toHaveLength(0);
  expect(await getSmsSettings(request)).toEqual(before);

  // Correcting each field removes its message.
  await page.locator('#sms_url').fill('http://127.0.0.1:9/send');
  await expect(fieldError(page, 'sms_url')).toHaveCount(0);
  await page.locator('#sms_body').fill('{{"to":"{number}","text":"{message}"}}');
  await expect(fieldError(page, 'sms_body')).toHaveCount(0);

  // Switching back to Kannel loses nothing typed there.
  await page.locator('#sms_kind_kannel').check();
  await expect(page.locator('#sms_url')).toHaveValue(kannelEnv().sendsmsUrl);
  await expect(page.locator('#sms_sender')).toHaveValue(KANNEL_SENDER);

  const form = smsForm();
  form.kind = 'http';
  form.http = {
    ...form.http,
    url: 'http://127.0.0.1:9/send?to={phone}',
    body_type: 'json',
    body: '{{"to":{number},"text":"{message}"}}',
  };
  const refused = await refusedSmsSave(request, form);
  expect(Object.keys(refused).sort()).toEqual(['sms_body', 'sms_url']);
  expect(refused.sms_url).toContain('{phone}');
  expect(await getSmsSettings(request)).toEqual(before);
});

test('Twilio: an account SID of the wrong shape for api.twilio.com is refused beside the field', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm());
  const before = await getSmsSettings(request);
  const saves = countSaveRequests(page);
  await gotoSmsPage(page);

  await page.locator('#sms_kind_twilio').check();
  await expect(page.locator('#sms_url')).toHaveValue('https://api.twilio.com');
  await page.locator('#sms_account_sid').fill('AC123');
  await page.locator('#sms_secret').fill('not-a-real-token');
  await page.locator('#sms_sender').fill('+44 7700 900001');
  await expect(fieldError(page, 'sms_account_sid')).toContainText(
    'A Twilio account SID is AC followed by 32 hexadecimal digits',
  );
  await expect(page.locator('p.message.error')).toHaveCount(1);
  await saveSms(page);
  await expect(page.locator('.banner.error')).toHaveText('Not saved: one field needs attention.');
  await expect(page.locator('#sms_account_sid')).toBeFocused();
  expect(saves).toHaveLength(0);
  expect(await getSmsSettings(request)).toEqual(before);

  const form = smsForm();
  form.kind = 'twilio';
  form.twilio = { api_base: 'https://api.twilio.com', account_sid: 'AC123', sender: '+447700900001' };
  form.secret = 'not-a-real-token';
  const refused = await refusedSmsSave(request, form);
  expect(Object.keys(refused)).toEqual(['sms_account_sid']);
  expect(await getSmsSettings(request)).toEqual(before);
});

test('a stored password is not sent to a changed URL: warned, then refused on Save', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm());
  const before = await getSmsSettings(request);
  await gotoSmsPage(page);
  await expect(page.locator('[data-testid=secret-state]')).toContainText('A secret is stored');

  const moved = kannelEnv().sendsmsUrl.replace(/:(\d+)\//, (_all, port: string) => `:${Number(port) + 1}/`);
  expect(moved).not.toBe(kannelEnv().sendsmsUrl);
  await page.locator('#sms_url').fill(moved);
  await expect(fieldWarning(page, 'sms_secret')).toContainText('the stored secret will not be sent there');
  await saveSms(page);
  await expect(page.locator('.banner.error')).toBeVisible();
  await expect(fieldError(page, 'sms_secret')).toContainText('enter the password again');
  expect(await getSmsSettings(request)).toEqual(before);

  const refused = await refusedSmsSave(request, kannelForm({ secret: '', kannel: { url: moved } }));
  expect(Object.keys(refused)).toEqual(['sms_secret']);
  expect(await getSmsSettings(request)).toEqual(before);

  // The same URL with the box left empty keeps the stored password.
  await page.locator('#sms_url').fill(kannelEnv().sendsmsUrl);
  await expect(fieldWarning(page, 'sms_secret')).toHaveCount(0);
  await page.locator('#sms_sender').fill('NACAlerts');
  await saveSms(page);
  await expect(page.locator('.banner.success')).toHaveText('Saved. The stored secret was kept.');
  const after = await getSmsSettings(request);
  expect(after.secret_stored).toBe(true);
  expect(after.gateway.sender).toBe('NACAlerts');
});

// ---------------------------------------------------------------------------------------------
// Reset

test('Reset removes the gateway and its secret after confirmation', async ({ page, request }) => {
  await saveSmsViaApi(request, kannelForm({ max_segments: '3', timeout_secs: '12' }));
  await gotoSmsPage(page);
  await expect(page.locator('#sms_url')).toHaveValue(kannelEnv().sendsmsUrl);
  await expect(page.locator('[data-testid=secret-state]')).toContainText('A secret is stored');

  // Cancel first: nothing changes.
  const before = await getSmsSettings(request);
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  let dialog = page.locator('#sms-reset-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('including any stored password, token or API key');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(await getSmsSettings(request)).toEqual(before);

  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  dialog = page.locator('#sms-reset-dialog');
  await dialog.getByRole('button', { name: 'Reset gateway' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('.banner.success')).toContainText('SMS gateway removed');
  expect(await getSmsSettings(request)).toBeNull();

  const expectDefaults = async () => {
    await expect(page.locator('#sms_kind_kannel')).toBeChecked();
    await expect(page.locator('#sms_url')).toHaveValue('');
    await expect(page.locator('#sms_user')).toHaveValue('');
    await expect(page.locator('#sms_sender')).toHaveValue('');
    await expect(page.locator('#sms_max_segments')).toHaveValue('6');
    await expect(page.locator('#sms_timeout')).toHaveValue('30');
    await expect(page.locator('#sms_secret')).toHaveValue('');
    await expect(page.locator('[data-testid=secret-state]')).toHaveText('No secret is stored.');
    await expect(page.locator('.saved-at')).toContainText('Not configured');
  };
  await expectDefaults();
  await reloadSmsPage(page);
  await expectDefaults();

  // The secret is gone too: the same gateway again needs the password.
  await fillKannel(page, { url: kannelEnv().sendsmsUrl, user: kannelEnv().user, sender: KANNEL_SENDER });
  await saveSms(page);
  await expect(fieldError(page, 'sms_secret')).toHaveText('Enter the password');
  expect(await getSmsSettings(request)).toBeNull();
  const refused = await refusedSmsSave(request, kannelForm({ secret: '' }));
  expect(Object.keys(refused)).toEqual(['sms_secret']);

  // And nothing can be sent.
  const response = await request.post('/api/sms/test-sms', {
    data: { form: { recipient: '+447700900123', message: 'after reset' } },
  });
  expect(response.status()).toBe(409);
});
