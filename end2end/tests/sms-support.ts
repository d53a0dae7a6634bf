// Helpers for the SMS Gateway browser tests: the test Kannel's settings and what its fake SMSC
// received, the SMS Gateway API (save, reset, settings), the page, and a scriptable HTTP
// receiver on 127.0.0.1 standing in for a generic HTTP or Twilio-compatible gateway.
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { REPO_ROOT } from './support';

const KANNEL_ENV_FILE = path.join(REPO_ROOT, 'target', 'peers', 'kannel.env');

// ---------------------------------------------------------------------------------------------
// The test Kannel (scripts/peers/kannel-up.sh)

/** KEY=value lines written by scripts/peers/kannel-up.sh. */
export interface KannelEnv {
  sendsmsUrl: string;
  user: string;
  passwordFile: string;
  smscId: string;
  fakesmscLog: string;
  raw: Record<string, string>;
}

let cachedKannel: KannelEnv | undefined;

export function kannelEnv(): KannelEnv {
  if (cachedKannel) return cachedKannel;
  if (!fs.existsSync(KANNEL_ENV_FILE)) {
    throw new Error(`${KANNEL_ENV_FILE} is missing: run scripts/peers/kannel-up.sh first`);
  }
  const raw: Record<string, string> = {};
  for (const line of fs.readFileSync(KANNEL_ENV_FILE, 'utf8').split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) raw[match[1]] = match[2].trim().replace(/^"(.*)"$/, '$1');
  }
  const need = (key: string): string => {
    const value = raw[key];
    if (!value) throw new Error(`${key} is missing from ${KANNEL_ENV_FILE}`);
    return value;
  };
  cachedKannel = {
    sendsmsUrl: need('KANNEL_SENDSMS_URL'),
    user: need('KANNEL_USER'),
    passwordFile: need('KANNEL_PASSWORD_FILE'),
    smscId: need('KANNEL_SMSC_ID'),
    fakesmscLog: need('KANNEL_FAKESMSC_LOG'),
    raw,
  };
  return cachedKannel;
}

/** The sendsms-user's password, exactly as in the file (a space, '&', '+' and 'é'). */
export function kannelPassword(): string {
  return fs.readFileSync(kannelEnv().passwordFile, 'utf8');
}

/** The sender every Kannel test uses: this sendsms-user has no default one. */
export const KANNEL_SENDER = 'NACTest';

// ---------------------------------------------------------------------------------------------
// What the fake SMSC received (fakesmsc.log)

/** One SMS as the fake SMSC logged it: `... Got message N: <SENDER RECEIVER TYPE PAYLOAD>`. */
export interface FakeSms {
  sender: string;
  receiver: string;
  /** text, ucs-2, data or udh. */
  kind: string;
  payload: string;
}

/** Where the fake SMSC's log ends now: only what is logged after this counts. */
export function fakeSmscMark(): number {
  return fs.statSync(kannelEnv().fakesmscLog).size;
}

/** Every SMS the fake SMSC logged since `mark`, in order. */
export function receivedSince(mark: number): FakeSms[] {
  const bytes = fs.readFileSync(kannelEnv().fakesmscLog);
  const text = bytes.subarray(Math.min(mark, bytes.length)).toString('utf8');
  const found: FakeSms[] = [];
  for (const line of text.split('\n')) {
    const match = / DEBUG: Got message \d+: <(.*)>$/.exec(line);
    if (!match) continue; // a continuation line of a text with a line break, or other output
    const [sender, receiver, kind, ...rest] = match[1].split(' ');
    if (!['text', 'ucs-2', 'data', 'udh'].includes(kind)) continue;
    found.push({ sender, receiver, kind, payload: rest.join(' ') });
  }
  return found;
}

/** The bytes behind Kannel's URL encoding, where '+' is a space. */
function urlDecodeBytes(encoded: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded[i];
    if (c === '+') out.push(0x20);
    else if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(encoded.slice(i + 1, i + 3))) {
      out.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(out);
}

/** The text the phone would show: `text` as it is, `ucs-2` decoded from URL-encoded UTF-16BE,
 * `data` from URL-encoded UTF-8; undefined for a part of a concatenated SMS. */
export function smsText(sms: FakeSms): string | undefined {
  switch (sms.kind) {
    case 'text':
      return sms.payload;
    case 'ucs-2': {
      const bytes = urlDecodeBytes(sms.payload);
      if (bytes.length % 2 !== 0) return undefined;
      return new TextDecoder('utf-16be', { fatal: true }).decode(bytes);
    }
    case 'data':
      return new TextDecoder('utf-8', { fatal: true }).decode(urlDecodeBytes(sms.payload));
    default:
      return undefined;
  }
}

/** Waits (bounded) until an SMS logged since `mark` has `token` in its text, and returns it. */
export async function waitForSms(mark: number, token: string, timeout = 20_000): Promise<FakeSms> {
  let found: FakeSms | undefined;
  await expect
    .poll(
      () => {
        found = receivedSince(mark).find((sms) => {
          try {
            return smsText(sms)?.includes(token) ?? false;
          } catch {
            return false; // a payload that does not decode
          }
        });
        return found !== undefined;
      },
      {
        message: `an SMS containing ${token} should reach the fake SMSC (${kannelEnv().fakesmscLog})`,
        timeout,
        intervals: [100, 200, 500, 1000],
      },
    )
    .toBe(true);
  return found!;
}

/** Every SMS logged since `mark` whose raw record mentions `token` (decoded or not). */
export function smsMentioning(mark: number, token: string): FakeSms[] {
  return receivedSince(mark).filter((sms) => {
    let text: string | undefined;
    try {
      text = smsText(sms);
    } catch {
      text = undefined;
    }
    return sms.payload.includes(token) || (text?.includes(token) ?? false);
  });
}

// ---------------------------------------------------------------------------------------------
// The SMS Gateway API

export type GatewayKindJson = 'kannel' | 'http' | 'twilio' | 'email_to_sms';

/** The SmsGatewayForm of the JSON API (crates/model/src/sms/mod.rs). */
export interface SmsGatewayFormJson {
  kind: GatewayKindJson;
  kannel: {
    url: string;
    user_name: string;
    sender: string;
    smsc_id: string;
    dlr_mask: number;
    dlr_url: string;
  };
  http: {
    url: string;
    method: 'get' | 'post';
    body_type: 'form' | 'json' | 'text';
    headers: string;
    auth: 'none' | 'basic' | 'bearer' | 'header';
    user_name: string;
    auth_header: string;
    body: string;
    sender: string;
    success_contains: string;
    success_excludes: string;
  };
  twilio: { api_base: string; account_sid: string; sender: string };
  email_to_sms: { address: string };
  secret: string;
  max_segments: string;
  timeout_secs: string;
  ca_certificate: string;
}

/** The page's defaults: Kannel chosen, every field empty. */
export function smsForm(): SmsGatewayFormJson {
  return {
    kind: 'kannel',
    kannel: { url: '', user_name: '', sender: '', smsc_id: '', dlr_mask: 0, dlr_url: '' },
    http: {
      url: '',
      method: 'post',
      body_type: 'form',
      headers: '',
      auth: 'none',
      user_name: '',
      auth_header: '',
      body: '',
      sender: '',
      success_contains: '',
      success_excludes: '',
    },
    twilio: { api_base: 'https://api.twilio.com', account_sid: '', sender: '' },
    email_to_sms: { address: '' },
    secret: '',
    max_segments: '6',
    timeout_secs: '30',
    ca_certificate: '',
  };
}

/** The test Kannel with its sendsms-user, password and a sender. */
export function kannelForm(
  overrides: Partial<Omit<SmsGatewayFormJson, 'kannel'>> & { kannel?: Partial<SmsGatewayFormJson['kannel']> } = {},
): SmsGatewayFormJson {
  const base = smsForm();
  const { kannel, ...rest } = overrides;
  return {
    ...base,
    kind: 'kannel',
    secret: kannelPassword(),
    ...rest,
    kannel: {
      ...base.kannel,
      url: kannelEnv().sendsmsUrl,
      user_name: kannelEnv().user,
      sender: KANNEL_SENDER,
      ...kannel,
    },
  };
}

/** A generic HTTP gateway posting a form body to `url`, no authentication. */
export function httpForm(
  url: string,
  overrides: Partial<Omit<SmsGatewayFormJson, 'http'>> & { http?: Partial<SmsGatewayFormJson['http']> } = {},
): SmsGatewayFormJson {
  const base = smsForm();
  const { http: fields, ...rest } = overrides;
  return {
    ...base,
    kind: 'http',
    ...rest,
    http: { ...base.http, url, body: 'to={number}&text={message}', ...fields },
  };
}

/** Email-to-SMS with the address template `address`. */
export function emailToSmsForm(address: string): SmsGatewayFormJson {
  return { ...smsForm(), kind: 'email_to_sms', email_to_sms: { address } };
}

/** GET /api/sms/settings: the stored gateway, or null. */
export async function getSmsSettings(request: APIRequestContext): Promise<any> {
  const response = await request.get('/api/sms/settings');
  expect(response.status()).toBe(200);
  return response.json();
}

/** Removes the stored SMS gateway, secret included: the known state each test starts from. */
export async function resetSmsViaApi(request: APIRequestContext): Promise<void> {
  const response = await request.post('/api/sms/reset');
  expect(response.status(), await response.text()).toBe(200);
  expect(await getSmsSettings(request)).toBeNull();
}

/** Saves `form` through the API, expecting success; returns the JSON answer. */
export async function saveSmsViaApi(request: APIRequestContext, form: SmsGatewayFormJson): Promise<any> {
  const response = await request.post('/api/sms/save', { data: { form } });
  const text = await response.text();
  expect(response.status(), text).toBe(200);
  return JSON.parse(text);
}

/** POST /api/sms/save expecting a refusal (422); returns the messages by field id. */
export async function refusedSmsSave(
  request: APIRequestContext,
  form: SmsGatewayFormJson,
): Promise<Record<string, string>> {
  const response = await request.post('/api/sms/save', { data: { form } });
  const text = await response.text();
  expect(response.status(), text).toBe(422);
  const body = JSON.parse(text);
  expect(Array.isArray(body.Invalid), text).toBe(true);
  return Object.fromEntries(body.Invalid.map((e: { field: string; message: string }) => [e.field, e.message]));
}

// ---------------------------------------------------------------------------------------------
// The page

/** Opens the SMS Gateway page and waits until it is hydrated (interactive). */
export async function gotoSmsPage(page: Page): Promise<void> {
  await page.goto('/messaging/sms');
  await expectSmsPageReady(page);
}

export async function expectSmsPageReady(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('h1')).toHaveText('Messaging › SMS Gateway');
  await expect(page.locator('form.settings')).toBeVisible();
}

/** Reloads the SMS Gateway page and waits for hydration again. */
export async function reloadSmsPage(page: Page): Promise<void> {
  await page.reload();
  await expectSmsPageReady(page);
}

/** Fills the Kannel fields (Kannel chosen first) as an admin types them. */
export async function fillKannel(
  page: Page,
  fields: { url?: string; user?: string; password?: string; sender?: string; smscId?: string },
): Promise<void> {
  await page.locator('#sms_kind_kannel').check();
  if (fields.url !== undefined) await page.locator('#sms_url').fill(fields.url);
  if (fields.user !== undefined) await page.locator('#sms_user').fill(fields.user);
  if (fields.password !== undefined) await page.locator('#sms_secret').fill(fields.password);
  if (fields.sender !== undefined) await page.locator('#sms_sender').fill(fields.sender);
  if (fields.smscId !== undefined) await page.locator('#sms_smsc_id').fill(fields.smscId);
}

export async function saveSms(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

/** Opens the Send Test SMS dialog (on either page) and returns it. */
export async function openTestSmsDialog(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Send Test SMS' }).click();
  const dialog = page.locator('#test-sms-dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Fills recipient and message, presses Send SMS and waits for the server's answer. */
export async function sendTestSms(page: Page, dialog: Locator, recipient: string, message: string): Promise<void> {
  await dialog.locator('#sms_recipient').fill(recipient);
  await dialog.locator('#sms_message').fill(message);
  const answered = page.waitForResponse((r) => r.url().includes('/api/sms/test-sms'));
  await dialog.getByRole('button', { name: 'Send SMS', exact: true }).click();
  await answered;
}

// ---------------------------------------------------------------------------------------------
// A scriptable HTTP receiver on 127.0.0.1

/** One request the receiver got, as it arrived. */
export interface ReceivedRequest {
  method: string;
  /** The request target: path and query, still percent-encoded. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The raw body, read as UTF-8. */
  body: string;
}

/** What the receiver answers. */
export interface ScriptedReply {
  status: number;
  body: string;
  contentType?: string;
  /** Further response headers, such as Location. */
  headers?: Record<string, string>;
  /** Never answer (the request is recorded, the connection left open). */
  hang?: boolean;
}

export interface HttpReceiver {
  /** http://127.0.0.1:PORT */
  base: string;
  port: number;
  requests: ReceivedRequest[];
  /** The answer to the next requests (until changed). */
  reply: ScriptedReply;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 (a free port) that records every request and answers
 * with `receiver.reply`. */
export async function startReceiver(
  reply: ScriptedReply = { status: 200, body: 'OK', contentType: 'text/plain' },
): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const receiver = { requests, reply } as HttpReceiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const { status, body, contentType, headers, hang } = receiver.reply;
      if (hang) return;
      res.writeHead(status, { 'Content-Type': contentType ?? 'text/plain; charset=utf-8', ...headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  receiver.port = port;
  receiver.base = `http://127.0.0.1:${port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
