// First-load benchmark of the Messaging Setup console: what a browser downloads on a first
// visit, and how long until the form is hydrated (usable).
//
// Usage: BENCH_URL=http://127.0.0.1:PORT/messaging/smtp node end2end/bench/first-load.mjs
// Normally started by scripts/bench-first-load.sh, which starts a console for it.
//
// Env:
//   BENCH_URL           page to load (required)
//   BENCH_RUNS          timed loads, each in a fresh browser context (default 10)
//   BENCH_BUDGET_BYTES  first-load budget, brotli as served (default 250000 = 250 KB)
//   BENCH_CHROMIUM      Chromium to drive (default /usr/bin/chromium)
//
// Sizes come from plain HTTP requests (node:http, no transparent decompression): the body
// bytes received with Accept-Encoding identity, gzip and br. Timings are printed, never
// asserted. Exit status: 0 within budget, 1 over budget, 2 on error.
import http from 'node:http';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../chromium.mjs';

const PAGE_URL = process.env.BENCH_URL;
// The console needs a signed-in administrator; bench-first-load.sh creates one and passes
// the session id here.
const SESSION_COOKIE = process.env.BENCH_SESSION ?? '';
const sessionHeader = () => (SESSION_COOKIE ? { Cookie: `console_session=${SESSION_COOKIE}` } : {});
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BUDGET = Number(process.env.BENCH_BUDGET_BYTES ?? 250_000);
const CHROMIUM = process.env.BENCH_CHROMIUM ?? CHROMIUM_EXECUTABLE;

if (!PAGE_URL) {
  console.error('BENCH_URL is not set');
  process.exit(2);
}
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`BENCH_RUNS must be a positive whole number, not ${process.env.BENCH_RUNS}`);
  process.exit(2);
}

/** GET `url` with this Accept-Encoding; the raw (still encoded) body and headers. */
function get(url, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { 'Accept-Encoding': acceptEncoding, ...sessionHeader() } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new Error(`GET ${url} (${acceptEncoding}): HTTP ${response.statusCode}`));
          return;
        }
        resolve({
          bytes: Buffer.concat(chunks).length,
          body: Buffer.concat(chunks),
          encoding: response.headers['content-encoding'] ?? 'identity',
          contentLength: response.headers['content-length'],
          type: response.headers['content-type'] ?? '',
        });
      });
      response.on('error', reject);
    });
    request.setTimeout(30_000, () => request.destroy(new Error(`GET ${url}: timed out`)));
    request.on('error', reject);
  });
}

/** Every asset the HTML makes a browser fetch: stylesheets, scripts, preloads, icons. */
function referencedAssets(html, base) {
  const urls = new Set();
  for (const tag of html.match(/<(link|script)\b[^>]*>/gi) ?? []) {
    const attr = (name) => new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
    const value = (m) => (m ? (m[2] ?? m[3] ?? m[4]) : undefined);
    const rel = (value(attr('rel')) ?? '').toLowerCase();
    const href = value(attr('href'));
    const src = value(attr('src'));
    if (tag.toLowerCase().startsWith('<script') && src) urls.add(new URL(src, base).href);
    if (href && /(^|\s)(stylesheet|modulepreload|preload|icon)(\s|$)/.test(rel)) urls.add(new URL(href, base).href);
  }
  return [...urls];
}

function kb(bytes) {
  return (bytes / 1000).toFixed(1).padStart(8);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function measureSizes() {
  const identity = await get(PAGE_URL, 'identity');
  const html = identity.body.toString('utf8');
  const assets = referencedAssets(html, PAGE_URL);
  const kinds = ['css', 'js', 'wasm'];
  for (const kind of kinds) {
    if (!assets.some((u) => new URL(u).pathname.endsWith(`.${kind}`))) {
      throw new Error(`the page references no .${kind} asset: ${assets.join(', ') || 'none at all'}`);
    }
  }

  const rows = [];
  for (const url of [PAGE_URL, ...assets]) {
    const raw = url === PAGE_URL ? identity : await get(url, 'identity');
    const gzip = await get(url, 'gzip');
    const br = await get(url, 'br');
    rows.push({ name: url === PAGE_URL ? `${new URL(url).pathname} (HTML)` : new URL(url).pathname, raw, gzip, br });
  }

  console.log('First-load transfer sizes (body bytes as served; 1 KB = 1000 bytes)');
  const header = `${'resource'.padEnd(28)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'brotli'.padStart(10)}   served as (gzip / br request)`;
  console.log(header);
  console.log('-'.repeat(header.length));
  const total = { raw: 0, gzip: 0, br: 0 };
  for (const row of rows) {
    total.raw += row.raw.bytes;
    total.gzip += row.gzip.bytes;
    total.br += row.br.bytes;
    console.log(
      `${row.name.padEnd(28)} ${String(row.raw.bytes).padStart(10)} ${String(row.gzip.bytes).padStart(10)} ` +
        `${String(row.br.bytes).padStart(10)}   ${row.gzip.encoding} / ${row.br.encoding}`,
    );
  }
  console.log('-'.repeat(header.length));
  console.log(
    `${'total'.padEnd(28)} ${String(total.raw).padStart(10)} ${String(total.gzip).padStart(10)} ${String(total.br).padStart(10)}`,
  );
  console.log(
    `${'total (KB)'.padEnd(28)} ${kb(total.raw).padStart(10)} ${kb(total.gzip).padStart(10)} ${kb(total.br).padStart(10)}`,
  );
  const notCompressed = rows.filter((r) => r.br.encoding !== 'br' && r.raw.bytes > 1024).map((r) => r.name);
  if (notCompressed.length) console.log(`note: not served with brotli: ${notCompressed.join(', ')}`);
  const within = total.br <= BUDGET;
  console.log(
    `Budget: ${total.br} bytes (${kb(total.br).trim()} KB) as served with brotli vs ${BUDGET} bytes ` +
      `(${kb(BUDGET).trim()} KB): ${within ? 'PASS' : `OVER by ${total.br - BUDGET} bytes`}`,
  );
  return within;
}

// Records, from inside the page, the moment <body data-hydrated> is set.
const HYDRATION_PROBE = () => {
  const mark = () => {
    if (window.__benchHydratedAt === undefined && document.body?.hasAttribute('data-hydrated')) {
      window.__benchHydratedAt = performance.now();
      window.__benchFormReady = !!document.querySelector('form.settings #server_name');
    }
  };
  new MutationObserver(mark).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
};

async function measureLoad(browser) {
  const context = await browser.newContext(); // fresh: empty cache, only the session cookie
  try {
    if (SESSION_COOKIE) {
      await context.addCookies([{ name: 'console_session', value: SESSION_COOKIE, url: PAGE_URL }]);
    }
    const page = await context.newPage();
    await page.addInitScript(HYDRATION_PROBE);
    await page.goto(PAGE_URL, { waitUntil: 'commit' });
    await page.waitForSelector('body[data-hydrated]', { state: 'attached', timeout: 30_000 });
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      return {
        hydrated: window.__benchHydratedAt ?? performance.now(),
        formReady: window.__benchFormReady ?? !!document.querySelector('form.settings #server_name'),
        responseEnd: nav?.responseEnd ?? NaN,
        domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN,
        transferred: (nav?.transferSize ?? 0) + resources.reduce((sum, r) => sum + (r.transferSize ?? 0), 0),
      };
    });
  } finally {
    await context.close();
  }
}

async function measureTimes() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    await measureLoad(browser); // warm-up, not counted: browser process and server start-up
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measureLoad(browser));
    if (runs.some((r) => !r.formReady)) console.log('note: in some runs the form was not there when hydration was marked');
    const row = (label, values, unit = 'ms') =>
      console.log(
        `${label.padEnd(34)} ${Math.min(...values).toFixed(0).padStart(7)} ${median(values).toFixed(0).padStart(7)} ` +
          `${Math.max(...values).toFixed(0).padStart(7)} ${unit}`,
      );
    console.log('');
    console.log(`Time to a usable (hydrated) form, headless Chromium, ${RUNS} loads, fresh context each (cache empty)`);
    console.log(`${'from navigation start to'.padEnd(34)} ${'min'.padStart(7)} ${'median'.padStart(7)} ${'max'.padStart(7)}`);
    row('HTML received (responseEnd)', runs.map((r) => r.responseEnd));
    row('DOMContentLoaded', runs.map((r) => r.domContentLoaded));
    row('body[data-hydrated] (usable)', runs.map((r) => r.hydrated));
    row('bytes transferred by the browser', runs.map((r) => r.transferred), 'B');
    console.log(`runs (hydrated, ms): ${runs.map((r) => r.hydrated.toFixed(0)).join(' ')}`);
  } finally {
    await browser.close();
  }
}

try {
  const within = await measureSizes();
  await measureTimes();
  process.exitCode = within ? 0 : 1;
} catch (error) {
  console.error(`first-load benchmark failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 2;
}
