import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { CircuitBreakerRegistry } from 'breakwater';
import { createAdminHandler } from 'breakwater/http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser } from '../support/browser.js';
import { listen, stop, until } from '../support/listen.js';

const TOKEN = 'browser-token-5e1d';
const HOSTILE = [
  '<img src=x onerror=window.__pwned=1>',
  '<script>window.__pwned=2</script>',
  '"><svg onload=alert(3)>',
];

describe.skipIf(!browserAvailable())('the dashboard in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let url: string;
  const registry = new CircuitBreakerRegistry();
  const payments = registry.register('payments', {
    failureThreshold: 3,
    resetTimeout: 60_000,
    critical: true,
  });
  const search = registry.register('search');
  const tenants = registry.keyed('tenants');
  const handler = createAdminHandler(registry, { token: TOKEN, tickInterval: 200, title: 'checkout' });
  const server = createServer(handler);
  const dialogs: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    for (const key of ['acme', 'globex', ...HOSTILE]) tenants.get(key);
    url = await listen(server);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // A refused control call (the wrong token, on purpose) logs its 401: that one is expected.
      if (message.type() === 'error' && !message.text().includes('401')) problems.push(message.text());
    });
    await page.goto(`${url}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    handler.close();
    await stop(server);
    registry.close();
  });

  const pill = (name: string) => page.locator(`article[data-name="${name}"] .pill`).first();
  const stateOf = (name: string) => pill(name).textContent({ timeout: 10_000 });

  it('shows a breaker turn from closed to open live', async () => {
    await until(async () => (await stateOf('payments')) === 'CLOSED', 'payments shown closed');
    expect(await page.title()).toBe('checkout');
    for (let i = 0; i < 3; i++) await payments.call(() => Promise.reject(new Error('down'))).catch(() => {});
    expect(payments.state).toBe('open');
    await until(async () => (await stateOf('payments')) === 'OPEN', 'payments shown open, without a reload');
    const card = page.locator('article[data-name="payments"]');
    // The countdown comes with the next tick (the transition event itself carries no deadline).
    await until(
      async () => /^retry in \d+(\.\d)? (s|min)/.test((await card.locator('.retry').textContent()) ?? ''),
      'the retry countdown',
    );
    expect(await page.locator('#feed li').first().textContent()).toMatch(/payments.*closed → open/);
    // Worst first: the open breaker leads.
    expect(await page.locator('article.card').first().getAttribute('data-name')).toBe('payments');
  });

  it('asks for the token once, refuses a wrong one, and resets the breaker with the right one', async () => {
    const card = page.locator('article[data-name="payments"]');
    await card.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.locator('#token-dialog').waitFor({ state: 'visible' });
    await page.fill('#token-input', 'not-the-token');
    await page.click('#token-dialog button[type="submit"]');
    await page.locator('.toast.error', { hasText: 'The token was refused' }).waitFor();
    expect(payments.state).toBe('open');

    await card.getByRole('button', { name: 'Reset', exact: true }).click();
    await page.locator('#token-dialog').waitFor({ state: 'visible' });
    await page.fill('#token-input', TOKEN);
    await page.click('#token-dialog button[type="submit"]');
    await until(() => payments.state === 'closed', 'the breaker reset on the server');
    await until(async () => (await stateOf('payments')) === 'CLOSED', 'payments shown closed again');

    // The token is kept for the session: no second prompt.
    await page.locator('article[data-name="search"]').getByRole('button', { name: 'Force open' }).click();
    await until(() => search.state === 'forced_open', 'search forced open');
    expect(await page.locator('#token-dialog').isVisible()).toBe(false);
    await until(async () => (await stateOf('search')) === 'FORCED OPEN', 'search shown forced open');
    search.reset();
  });

  it('shows hostile names as text: nothing injected, nothing run', async () => {
    for (const key of HOSTILE) tenants.get(key).forceOpen();
    const keys = page.locator('article[data-name="tenants"] .keys .key');
    await until(async () => (await keys.count()) === HOSTILE.length, 'the not-closed keys listed');
    expect((await keys.allTextContents()).sort()).toEqual([...HOSTILE].sort());
    await until(
      async () => (await page.locator('#feed .who').allTextContents()).includes(`tenants:${HOSTILE[0]}`),
      'the feed',
    );
    const injected = await page.evaluate(() => ({
      pwned: (window as { __pwned?: unknown }).__pwned,
      images: document.querySelectorAll('img').length,
      scripts: document.scripts.length,
      svgOutsideCards: [...document.querySelectorAll('svg')].filter(
        (svg) => !svg.closest('.bubble, .chart, .brand') && !svg.matches('.bubble, .chart svg'),
      ).length,
    }));
    expect(injected).toEqual({ pwned: undefined, images: 0, scripts: 2, svgOutsideCards: 0 });
    expect(dialogs).toEqual([]);
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/dashboard.png', fullPage: true });
  });

  it('reconnects by itself when the stream is cut', async () => {
    await until(() => handler.streams === 1, 'the page connected');
    expect(problems).toEqual([]); // no CSP refusal, no script error so far
    server.closeAllConnections(); // the stream is cut, as by a restart or a proxy
    await until(() => handler.streams === 0, 'the stream cut');
    await until(() => handler.streams === 1, 'the page reconnected', 15_000);
    search.forceClose();
    await until(async () => (await stateOf('search')) === 'FORCED CLOSED', 'a transition after reconnecting');
    // The cut stream is reported by the browser; nothing else may be.
    expect(problems.filter((problem) => !problem.includes('ERR_INCOMPLETE_CHUNKED_ENCODING'))).toEqual([]);
  }, 30_000);
});
