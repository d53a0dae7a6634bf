// Creates the first administrator of a new console through the setup link it printed, and
// prints the session id it is signed in with. Usage: node first-admin.mjs <console log> <base URL>
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

const [logFile, base] = process.argv.slice(2);
const link = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(readFileSync(logFile, 'utf8'));
if (!link) {
  console.error(`no setup link in ${logFile}`);
  process.exit(1);
}
const password = randomBytes(18).toString('base64url');
const response = await fetch(`${base}/setup`, {
  method: 'POST',
  redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ token: link[1], name: 'bench', password, confirm: password }),
});
const session = /console_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '');
if (response.status !== 303 || !session) {
  console.error(`setup answered ${response.status}`);
  process.exit(1);
}
console.log(session[1]);
