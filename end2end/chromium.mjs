// The Chromium that drives the console, and how it is launched: one place for the browser
// tests (playwright.config.ts) and the first-load benchmark (bench/first-load.mjs).

/** Debian's Chromium (Playwright downloads no browser of its own here). */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

/** Command-line flags; the networking ones stop it from calling out on a closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Playwright launch options: Debian's Chromium with the flags above. */
export const CHROMIUM_LAUNCH_OPTIONS = {
  executablePath: CHROMIUM_EXECUTABLE,
  args: CHROMIUM_ARGS,
};
