import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`), which the browser tests drive. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Chromium they say so loudly and are skipped, unless
 * `REQUIRE_BROWSER=1` (CI), in which case the missing browser fails them.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message =
    `Chromium not found at ${CHROMIUM}: the dashboard's browser tests are SKIPPED. ` +
    'Install it with `apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH).';
  if (process.env.REQUIRE_BROWSER === '1') {
    // Run the tests anyway: launching fails them with this message.
    console.error(`${message} REQUIRE_BROWSER=1: failing instead.`);
    return true;
  }
  console.warn(`\n\u001b[33m⚠ ${message}\u001b[0m\n`);
  return false;
}

/** Headless Chromium, as the project's CI runs it. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is required (REQUIRE_BROWSER=1) but missing at ${CHROMIUM}`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
