// Helpers shared by the browser tests: the Postfix test peer's settings, the Maildir where
// its mail lands, and the console's page and API.
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const POSTFIX_ENV_FILE = path.join(REPO_ROOT, 'target', 'peers', 'postfix.env');

/** KEY=value lines written by scripts/peers/postfix-up.sh. */
export interface PostfixEnv {
  host: string;
  plainPort: number;
  tlsPort: number;
  startTlsPort: number;
  user: string;
  passwordFile: string;
  caPemFile: string;
  maildir: string;
  rcptDomain: string;
  raw: Record<string, string>;
}

let cachedEnv: PostfixEnv | undefined;

export function postfixEnv(): PostfixEnv {
  if (cachedEnv) return cachedEnv;
  if (!fs.existsSync(POSTFIX_ENV_FILE)) {
    throw new Error(`${POSTFIX_ENV_FILE} is missing: run scripts/peers/postfix-up.sh first`);
  }
  const raw: Record<string, string> = {};
  for (const line of fs.readFileSync(POSTFIX_ENV_FILE, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) raw[match[1]] = match[2].trim().replace(/^"(.*)"$/, '$1');
  }
  const need = (key: string): string => {
    const value = raw[key];
    if (!value) throw new Error(`${key} is missing from ${POSTFIX_ENV_FILE}`);
    return value;
  };
  cachedEnv = {
    host: need('POSTFIX_HOST'),
    plainPort: Number(need('POSTFIX_PLAIN_PORT')),
    tlsPort: Number(need('POSTFIX_TLS_PORT')),
    startTlsPort: Number(need('POSTFIX_STARTTLS_PORT')),
    user: need('POSTFIX_USER'),
    passwordFile: need('POSTFIX_PASSWORD_FILE'),
    caPemFile: need('POSTFIX_CA_PEM'),
    maildir: need('POSTFIX_MAILDIR'),
    rcptDomain: need('POSTFIX_RCPT_DOMAIN'),
    raw,
  };
  return cachedEnv;
}

/** The SMTP AUTH password of POSTFIX_USER, exactly as in the file (no newline). */
export function postfixPassword(): string {
  return fs.readFileSync(postfixEnv().passwordFile, 'utf8');
}

/** The test CA's certificate (PEM), to paste into Trusted CA certificate. */
export function postfixCaPem(): string {
  return fs.readFileSync(postfixEnv().caPemFile, 'utf8');
}

/** A short unique lowercase token to find one test's mail among all the others. */
export function newToken(): string {
  return `t${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// Mail in the Maildir

/** A message read from the Maildir, with its headers decoded. */
export interface Mail {
  file: string;
  raw: string;
  /** Header names in lower case; values unfolded and RFC 2047-decoded. */
  headers: Record<string, string>;
  /** The body, with its Content-Transfer-Encoding undone. */
  body: string;
}

function decodeEncodedWords(value: string): string {
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
  const joined = value.replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, charset: string, enc: string, text: string) => {
    const bytes =
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          );
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  });
}

function decodeQuotedPrintable(text: string): string {
  const softBreaksRemoved = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < softBreaksRemoved.length; i++) {
    const ch = softBreaksRemoved[i];
    const hex = softBreaksRemoved.slice(i + 1, i + 3);
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export function parseMail(file: string, raw: string): Mail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const rawBody = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeEncodedWords(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let body = rawBody;
  if (encoding === 'base64') body = Buffer.from(rawBody.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (encoding === 'quoted-printable') body = decodeQuotedPrintable(rawBody);
  return { file, raw, headers, body: body.replace(/\r\n/g, '\n') };
}

/** Every message in the Maildir (new/ and cur/) whose raw text contains `token`. */
export function findMail(token: string): Mail[] {
  const found: Mail[] = [];
  for (const sub of ['new', 'cur']) {
    const dir = path.join(postfixEnv().maildir, sub);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      let raw: string;
      try {
        raw = fs.readFileSync(file, 'utf8');
      } catch {
        continue; // moved or still being written
      }
      if (raw.includes(token)) found.push(parseMail(file, raw));
    }
  }
  return found;
}

/** Waits (bounded) until a message containing `token` is in the Maildir, and returns it. */
export async function waitForMail(token: string, timeout = 20_000): Promise<Mail> {
  let mail: Mail | undefined;
  await expect
    .poll(
      () => {
        mail = findMail(token)[0];
        return mail !== undefined;
      },
      {
        message: `a message containing ${token} should arrive in ${postfixEnv().maildir}/new`,
        timeout,
        intervals: [100, 200, 500, 1000],
      },
    )
    .toBe(true);
  return mail!;
}

// ---------------------------------------------------------------------------------------------
// The console's API

/** Connection security as the JSON API spells it. */
export type ApiSecurity = 'none' | 'ssl' | 'starttls';

/** The SmtpForm of the JSON API (crates/model/src/smtp.rs). */
export interface SmtpFormJson {
  server_name: string;
  port: string;
  security: ApiSecurity;
  user_name: string;
  password: { new_password: string; confirm: string; remove_stored: boolean };
  from_address: string;
  timeout_secs: string;
  ca_certificate: string;
}

export function smtpForm(overrides: Partial<SmtpFormJson> = {}): SmtpFormJson {
  return {
    server_name: postfixEnv().host,
    port: String(postfixEnv().plainPort),
    security: 'none',
    user_name: '',
    password: { new_password: '', confirm: '', remove_stored: false },
    from_address: 'Messaging Setup e2e <alerts@console.test>',
    timeout_secs: '30',
    ca_certificate: '',
    ...overrides,
  };
}

/** Plain Postfix (no TLS, no AUTH). */
export function plainForm(overrides: Partial<SmtpFormJson> = {}): SmtpFormJson {
  return smtpForm(overrides);
}

/** Postfix with STARTTLS and SASL AUTH, trusting the test CA. */
export function startTlsForm(overrides: Partial<SmtpFormJson> = {}): SmtpFormJson {
  const password = postfixPassword();
  return smtpForm({
    port: String(postfixEnv().startTlsPort),
    security: 'starttls',
    user_name: postfixEnv().user,
    password: { new_password: password, confirm: password, remove_stored: false },
    ca_certificate: postfixCaPem(),
    ...overrides,
  });
}

/** Removes every stored SMTP setting: the known state each test starts from. */
export async function resetViaApi(request: APIRequestContext): Promise<void> {
  const response = await request.post('/api/smtp/reset');
  expect(response.status(), await response.text()).toBe(200);
  expect(await getSettings(request)).toBeNull();
}

/** Saves `form` through the API, expecting success; returns the JSON answer. */
export async function saveViaApi(request: APIRequestContext, form: SmtpFormJson): Promise<any> {
  const response = await request.post('/api/smtp/save', { data: { form } });
  const text = await response.text();
  expect(response.status(), text).toBe(200);
  return JSON.parse(text);
}

/** GET /api/smtp/settings: the stored settings, or null. */
export async function getSettings(request: APIRequestContext): Promise<any> {
  const response = await request.get('/api/smtp/settings');
  expect(response.status()).toBe(200);
  return response.json();
}

// ---------------------------------------------------------------------------------------------
// The page

/** Opens the SMTP Server page and waits until it is hydrated (interactive). */
export async function gotoConsole(page: Page): Promise<void> {
  await page.goto('/messaging/smtp');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('form.settings')).toBeVisible();
}

/** Reloads the page and waits for hydration again. */
export async function reloadConsole(page: Page): Promise<void> {
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('form.settings')).toBeVisible();
}

/** What the SMTP form can be filled with; `security` uses the select's values. */
export interface SmtpFields {
  server?: string;
  security?: 'none' | 'ssl' | 'starttls';
  port?: string | number;
  timeout?: string | number;
  user?: string;
  password?: string;
  confirm?: string;
  from?: string;
  ca?: string;
}

/** Fills the given fields (others are left as they are), as an admin types them. */
export async function fillSmtp(page: Page, fields: SmtpFields): Promise<void> {
  if (fields.server !== undefined) await page.locator('#server_name').fill(fields.server);
  if (fields.security !== undefined) await page.locator('#security').selectOption(fields.security);
  if (fields.port !== undefined) await page.locator('#port').fill(String(fields.port));
  if (fields.timeout !== undefined) await page.locator('#timeout').fill(String(fields.timeout));
  if (fields.user !== undefined) await page.locator('#user_name').fill(fields.user);
  if (fields.password !== undefined) await page.locator('#password').fill(fields.password);
  if (fields.confirm !== undefined) await page.locator('#password_confirm').fill(fields.confirm);
  else if (fields.password !== undefined) await page.locator('#password_confirm').fill(fields.password);
  if (fields.from !== undefined) await page.locator('#from_address').fill(fields.from);
  if (fields.ca !== undefined) await page.locator('#ca_certificate').fill(fields.ca);
}

/** The error shown beside field `id`. */
export function fieldError(page: Page, id: string) {
  return page.locator(`p.message.error[data-field="${id}"]`);
}

/** The warning shown beside field `id`. */
export function fieldWarning(page: Page, id: string) {
  return page.locator(`p.message.warning[data-field="${id}"]`);
}

export async function save(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}
