// Send Test Email through the real Postfix: delivered mail arrives in the Maildir with the
// right headers; each kind of failure is classified and shows the server's reply.
import { expect, test, type Page } from '@playwright/test';
import {
  fieldError,
  getSettings,
  gotoConsole,
  newToken,
  plainForm,
  postfixEnv,
  findMail,
  resetViaApi,
  saveViaApi,
  startTlsForm,
  waitForMail,
} from './support';

const SUBJECT = 'Messaging Setup test email';
const FROM = '"Doe, Zoë" <alerts@console.test>';

test.beforeEach(async ({ request }) => {
  await resetViaApi(request);
});

async function openTestDialog(page: Page) {
  await page.getByRole('button', { name: 'Send Test Email' }).click();
  const dialog = page.locator('#test-email-dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

async function sendTest(page: Page, recipient: string, message: string) {
  const dialog = await openTestDialog(page);
  await dialog.locator('#recipient').fill(recipient);
  await dialog.locator('#message').fill(message);
  await dialog.getByRole('button', { name: 'Send Email' }).click();
  return dialog;
}

test('plain SMTP: delivered, the final reply is shown and the mail arrives', async ({ page, request }) => {
  const env = postfixEnv();
  await saveViaApi(request, plainForm({ from_address: FROM }));
  const token = newToken();
  const recipient = `noc-${token}@${env.rcptDomain}`;
  await gotoConsole(page);

  const dialog = await openTestDialog(page);
  await expect(dialog.locator('.will-use')).toContainText(`${env.host}:${env.plainPort}`);
  await dialog.locator('#recipient').fill(recipient);
  await dialog.locator('#message').fill(`Hello from the e2e tests, token ${token}.`);
  await dialog.getByRole('button', { name: 'Send Email' }).click();

  const result = dialog.locator('.result[data-outcome=delivered]');
  await expect(result).toBeVisible();
  await expect(result.locator('code.reply')).toHaveText(/^250 .*queued as \S+/);
  await expect(dialog.locator('.result[data-outcome=failed]')).toHaveCount(0);
  const used = result.locator('dl.used');
  await expect(used).toContainText(`${env.host}:${env.plainPort}`);
  await expect(used).toContainText('None');
  await expect(used).toContainText('alerts@console.test');

  const mail = await waitForMail(token);
  expect(mail.headers['subject']).toBe(SUBJECT);
  expect(mail.headers['from']).toContain('alerts@console.test');
  expect(mail.headers['from']).toContain('Doe, Zoë');
  expect(mail.headers['to']).toContain(recipient);
  expect(mail.body).toContain(`token ${token}`);
  // The queue id Postfix reported is the one that delivered this very message.
  const queueId = /queued as (\S+)/.exec((await result.locator('code.reply').textContent()) ?? '')?.[1];
  expect(queueId).toBeTruthy();
  expect(mail.raw).toContain(queueId!);
});

test('STARTTLS with AUTH and the private CA: delivered and the mail arrives', async ({ page, request }) => {
  const env = postfixEnv();
  await saveViaApi(request, startTlsForm({ from_address: FROM }));
  const token = newToken();
  const recipient = `noc-${token}@${env.rcptDomain}`;
  await gotoConsole(page);

  const dialog = await sendTest(page, recipient, `Secure hello ${token}`);
  const result = dialog.locator('.result[data-outcome=delivered]');
  await expect(result).toBeVisible();
  await expect(result.locator('code.reply')).toHaveText(/^250 .*queued as/);
  await expect(result.locator('dl.used')).toContainText('Start TLS');
  await expect(result.locator('dl.used')).toContainText('trusting the configured CA');
  await expect(result.locator("dl.used")).toContainText(env.user);

  const mail = await waitForMail(token);
  expect(mail.headers['subject']).toBe(SUBJECT);
  expect(mail.headers['from']).toContain('alerts@console.test');
  expect(mail.headers['to']).toContain(recipient);
  expect(mail.body).toContain(`Secure hello ${token}`);
  // Postfix notes in Received: that the message came over TLS, authenticated.
  expect(mail.raw).toMatch(/ESMTPS?A|with ESMTPSA/);
});

test('a recipient outside the relay domain is rejected with the server reply', async ({ page, request }) => {
  await saveViaApi(request, plainForm());
  await gotoConsole(page);
  const dialog = await sendTest(page, 'x@example.org', 'should not be relayed');
  const failure = dialog.locator('.result[data-outcome=failed]');
  await expect(failure).toBeVisible();
  await expect(failure).toHaveAttribute('data-kind', 'recipient_rejected');
  await expect(failure.locator('code.reply')).toHaveText(/^5\d\d /);
  await expect(failure.locator('code.reply')).toHaveText(/^554/);
  await expect(failure.locator('.summary')).not.toBeEmpty();
  await expect(failure.locator('dl.used')).toBeVisible();
});

test('a wrong password is reported as rejected authentication', async ({ page, request }) => {
  await saveViaApi(
    request,
    startTlsForm({ password: { new_password: 'not-the-password', confirm: 'not-the-password', remove_stored: false } }),
  );
  const token = newToken();
  await gotoConsole(page);
  const dialog = await sendTest(page, `noc-${token}@${postfixEnv().rcptDomain}`, `never ${token}`);
  const failure = dialog.locator('.result[data-outcome=failed]');
  await expect(failure).toBeVisible();
  await expect(failure).toHaveAttribute('data-kind', 'auth_rejected');
  await expect(failure.locator('code.reply')).toHaveText(/^535/);
  // The wrong password is not echoed back.
  await expect(failure).not.toContainText('not-the-password');
  expect(findMail(token)).toHaveLength(0);
});

test('a closed port is reported as connection refused', async ({ page, request }) => {
  await saveViaApi(request, plainForm({ server_name: '127.0.0.1', port: '1', security: 'none' }));
  await gotoConsole(page);
  const dialog = await sendTest(page, `noc-${newToken()}@${postfixEnv().rcptDomain}`, 'nobody listens');
  const failure = dialog.locator('.result[data-outcome=failed]');
  await expect(failure).toBeVisible();
  await expect(failure).toHaveAttribute('data-kind', 'connection_refused');
  await expect(failure.locator('dl.used')).toContainText('127.0.0.1:1');
});

test('Start TLS against a server that does not offer it fails before sending anything', async ({ page, request }) => {
  await saveViaApi(request, plainForm({ security: 'starttls' }));
  const token = newToken();
  await gotoConsole(page);
  const dialog = await sendTest(page, `noc-${token}@${postfixEnv().rcptDomain}`, `never ${token}`);
  const failure = dialog.locator('.result[data-outcome=failed]');
  await expect(failure).toBeVisible();
  await expect(failure).toHaveAttribute('data-kind', 'start_tls_not_offered');
  await expect(failure.locator('.summary')).toContainText('STARTTLS');
  expect(findMail(token)).toHaveLength(0);
});

test('a relay certificate from an untrusted CA is refused', async ({ page, request }) => {
  await saveViaApi(request, startTlsForm({ ca_certificate: '' }));
  const token = newToken();
  await gotoConsole(page);
  const dialog = await sendTest(page, `noc-${token}@${postfixEnv().rcptDomain}`, `never ${token}`);
  const failure = dialog.locator('.result[data-outcome=failed]');
  await expect(failure).toBeVisible();
  await expect(failure).toHaveAttribute('data-kind', 'certificate');
  await expect(failure.locator('.summary')).toContainText('Trusted CA certificate');
  expect(findMail(token)).toHaveLength(0);
});

test('a server that never greets (None on the implicit-TLS port) times out, with progress shown', async ({ page, request }) => {
  const env = postfixEnv();
  await saveViaApi(request, plainForm({ port: String(env.tlsPort), security: 'none', timeout_secs: '2' }));
  await gotoConsole(page);
  const dialog = await sendTest(page, `noc-${newToken()}@${env.rcptDomain}`, 'never greeted');
  // While the send is pending: a progress line naming the destination, and no second send.
  const progress = dialog.locator('p.progress');
  await expect(progress).toBeVisible();
  await expect(progress).toContainText(`${env.host}:${env.tlsPort}`);
  await expect(dialog.getByRole('button', { name: 'Sending…' })).toBeDisabled();

  const failure = dialog.locator('.result[data-outcome=failed]');
  await expect(failure).toBeVisible();
  await expect(failure).toHaveAttribute('data-kind', 'timeout');
  await expect(progress).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Send Email' })).toBeEnabled();
  await expect(failure.locator('dl.used')).toContainText('2 s');
});

test('two recipients are refused beside the recipient field and nothing is sent', async ({ page, request }) => {
  await saveViaApi(request, plainForm());
  const token = newToken();
  const domain = postfixEnv().rcptDomain;
  const sends: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/smtp/test-email')) sends.push(r.postData() ?? '');
  });
  await gotoConsole(page);

  const dialog = await sendTest(page, `a-${token}@${domain}, b-${token}@${domain}`, `two ${token}`);
  await expect(fieldError(page, 'recipient')).toHaveText('Enter exactly one address');
  await expect(dialog.locator('.result')).toHaveCount(0);
  expect(sends, 'nothing is sent while the recipient is invalid').toHaveLength(0);

  // Correcting it sends exactly one message, to the one recipient.
  await dialog.locator('#recipient').fill(`c-${token}@${domain}`);
  await expect(fieldError(page, 'recipient')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Send Email' }).click();
  await expect(dialog.locator('.result[data-outcome=delivered]')).toBeVisible();
  await waitForMail(`c-${token}`);
  expect(sends).toHaveLength(1);
  expect(findMail(`a-${token}`)).toHaveLength(0);
  expect(findMail(`b-${token}`)).toHaveLength(0);
});

test('without saved settings the dialog says so and the server refuses', async ({ page, request }) => {
  expect(await getSettings(request)).toBeNull();
  await gotoConsole(page);
  const dialog = await openTestDialog(page);
  await expect(dialog).toContainText('No SMTP settings are saved');

  await dialog.locator('#recipient').fill(`noc-${newToken()}@${postfixEnv().rcptDomain}`);
  await expect(dialog.getByRole('button', { name: 'Send Email' })).toBeDisabled();

  const response = await request.post('/api/smtp/test-email', {
    data: { form: { recipient: 'noc@console.test', message: 'hi' } },
  });
  expect(response.status()).toBe(409);
});

test('the dialog warns that unsaved changes are not what is tested', async ({ page, request }) => {
  await saveViaApi(request, plainForm());
  await gotoConsole(page);
  await page.locator('#port').fill('2600');
  const dialog = await openTestDialog(page);
  await expect(dialog.locator('.banner.warning')).toContainText('unsaved changes');
  await expect(dialog.locator('.will-use')).toContainText(`:${postfixEnv().plainPort}`);
  await dialog.locator('.actions').getByRole('button', { name: 'Close', exact: true }).click();
  await expect(dialog).toHaveCount(0);
});

test('keyboard: the dialog takes the focus on opening, so Escape closes it', async ({ page, request }) => {
  // A modal dialog (aria-modal) should move the focus inside; the Dialog component's own doc
  // says "Escape and the close button close it".
  await saveViaApi(request, plainForm());
  await gotoConsole(page);
  const dialog = await openTestDialog(page);
  await expect
    .poll(() => dialog.evaluate((d) => d.contains(document.activeElement)), {
      message: 'the focus should be inside #test-email-dialog after it opens',
    })
    .toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('keyboard: after a send, Escape still closes the dialog and the focus returns to the page', async ({ page, request }) => {
  await saveViaApi(request, plainForm());
  await gotoConsole(page);
  const opener = page.getByRole('button', { name: 'Send Test Email' });
  const dialog = await openTestDialog(page);
  await dialog.locator('#recipient').fill(`noc-${newToken()}@${postfixEnv().rcptDomain}`);
  await dialog.getByRole('button', { name: 'Send Email' }).click();
  await expect(dialog.locator('.result[data-outcome=delivered]')).toBeVisible();

  await page.keyboard.press('Escape');

  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
  await page.locator('#port').fill('2601');
  await expect(page.locator('#port')).toHaveValue('2601');
});
