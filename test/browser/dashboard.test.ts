import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { CircuitBreakerRegistry, FakeClock } from 'breakwater';
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
  // An outage, driven on a fake clock of their own: an open breaker, a half-open one, a keyed group.
  const clock = new FakeClock();
  const inventory = registry.register('inventory', {
    clock,
    failureRateThreshold: 0.5,
    minimumCalls: 4,
    window: { type: 'count', size: 10 },
    resetTimeout: 600_000,
  });
  const catalog = registry.register('catalog', { clock, failureThreshold: 2, resetTimeout: 1000 });
  const regions = registry.keyed('regions', { clock, failureThreshold: 1, resetTimeout: 600_000 });
  const mailer = registry.register('mailer', { clock });
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

  /** What a card shows: badge, card colour, health mark, and why it refuses calls. */
  const cardOf = (name: string) =>
    page.evaluate((cardName) => {
      const card = [...document.querySelectorAll('article.card')].find(
        (node) => (node as HTMLElement).dataset.name === cardName,
      ) as HTMLElement;
      const bubble = card.querySelector('.bubble')!;
      const why = card.querySelector('.why') as HTMLElement;
      return {
        badge: card.querySelector('.pill')!.textContent,
        badgeColour: getComputedStyle(card.querySelector('.pill')!).color,
        cardClass: card.className.replace(' flash', ''),
        cardColour: getComputedStyle(card).borderTopColor,
        mark: bubble.getAttribute('data-look'),
        markColour: bubble.getAttribute('data-colour'),
        markFill: bubble.querySelectorAll('circle')[1]!.getAttribute('fill'),
        bar: Number(bubble.querySelector('rect')!.getAttribute('opacity')),
        why: why.hidden ? null : why.querySelector('.why-head')!.textContent,
        figures: why.hidden ? null : why.querySelector('.why-figures')!.textContent,
      };
    }, name);
  const RED = 'rgb(248, 81, 73)';
  const AMBER = 'rgb(210, 153, 34)';

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

  it('draws an open breaker, a half-open one and a keyed group as refusing, with the reason and the figures that tripped them', async () => {
    const fail = () => Promise.reject(new Error('connection refused'));
    await inventory.call(async () => 1);
    for (let i = 0; i < 3; i++) await inventory.call(fail).catch(() => {});
    expect(inventory.metrics().openReason).toBe('failure_rate');
    for (let i = 0; i < 2; i++) await catalog.call(fail).catch(() => {});
    await mailer.call(async () => 1);
    mailer.forceOpen(); // an operator's decision: no figure tripped it
    for (let i = 0; i < 20; i++) regions.get(`region-${i}`);
    for (const i of [2, 5, 11]) {
      await regions
        .get(`region-${i}`)
        .call(fail)
        .catch(() => {});
    }

    await until(async () => (await stateOf('inventory')) === 'OPEN', 'inventory shown open');
    await until(
      async () => (await cardOf('inventory')).figures?.startsWith('tripped at:'),
      'the figures that tripped it',
    );
    expect(await cardOf('inventory')).toEqual({
      badge: 'OPEN',
      badgeColour: RED,
      cardClass: 'card s-open',
      cardColour: RED,
      mark: 'refusing',
      markColour: '#f85149',
      markFill: '#f85149',
      bar: 0.95,
      why: 'refusing calls: failure rate over its threshold',
      figures: 'tripped at: 75% failures (3 of 4 calls)',
    });

    await until(async () => (await cardOf('mailer')).figures !== null, 'mailer shown forced open');
    expect(await cardOf('mailer')).toMatchObject({
      badge: 'FORCED OPEN',
      cardClass: 'card s-forced_open',
      mark: 'refusing',
      markColour: '#e8743b',
      why: 'refusing every call: forced open by an operator',
      figures: 'its window when opened: 0% failures (0 of 1 call)',
    });

    await until(async () => (await stateOf('regions')) === '3 of 20 open', 'the group shows its open share');
    expect(await cardOf('regions')).toMatchObject({
      badge: '3 of 20 open',
      badgeColour: RED,
      cardClass: 'card s-open',
      cardColour: RED,
      mark: 'refusing',
      markColour: '#f85149',
      why: '3 keys refuse calls',
    });
    expect((await cardOf('regions')).figures).toMatch(
      /^keys’ windows: \d+(\.\d)?% failures \(3 of \d+ calls\)$/,
    );

    await until(async () => (await stateOf('catalog')) === 'OPEN', 'catalog shown open');
    clock.advance(1000); // its open period ends: trial calls
    expect(catalog.state).toBe('half_open');
    await until(async () => (await stateOf('catalog')) === 'HALF-OPEN', 'catalog shown half-open');
    expect(await cardOf('catalog')).toMatchObject({
      badge: 'HALF-OPEN',
      badgeColour: AMBER,
      cardClass: 'card s-half_open',
      cardColour: AMBER,
      mark: 'trial',
      markColour: '#d29922',
      markFill: 'none',
      bar: 0,
      why: 'testing recovery with trial calls · opened: too many failures in a row',
    });

    // Whatever the card, a breaker that refuses calls never wears the healthy mark.
    const marks = await page.evaluate(() =>
      [...document.querySelectorAll('article.card')].map((card) => ({
        name: (card as HTMLElement).dataset.name,
        state: /s-(\w+)/.exec(card.className)![1],
        look: card.querySelector('.bubble')!.getAttribute('data-look'),
      })),
    );
    for (const { name, state, look } of marks) {
      const expected =
        state === 'open' || state === 'forced_open' ? 'refusing' : state === 'half_open' ? 'trial' : 'rate';
      expect(look, name).toBe(expected);
    }
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/dashboard-outage.png', fullPage: true });
  });

  it('keeps every stat value off its edge, the widest values included, on the narrowest card', async () => {
    await page.setViewportSize({ width: 1372, height: 900 }); // three columns of 330 px, their minimum
    try {
      const overflows = await page.evaluate(() => {
        const widest = [
          ['99.9', ' ms'],
          ['999', ' ms'],
          ['9.99', ' ms'],
          ['59.9', ' s'],
          ['100%'],
          ['1.2k'],
          ['99.9%'],
        ];
        const found: string[] = [];
        for (const dd of document.querySelectorAll<HTMLElement>('.stats dd')) {
          const cell = dd.parentElement!;
          const kept = [...dd.childNodes];
          for (const [value, unit] of widest) {
            dd.replaceChildren(document.createTextNode(value!));
            if (unit !== undefined) {
              const span = document.createElement('span');
              span.className = 'unit';
              span.textContent = unit;
              dd.append(span);
            }
            const range = document.createRange();
            range.selectNodeContents(dd);
            const gap = cell.getBoundingClientRect().right - range.getBoundingClientRect().right;
            if (gap < 6 || dd.scrollWidth > dd.clientWidth)
              found.push(
                `${value}${unit ?? ''} in ${cell.getBoundingClientRect().width} px: ${gap.toFixed(1)} px to the edge`,
              );
          }
          dd.replaceChildren(...kept);
        }
        return found;
      });
      expect(overflows).toEqual([]);
      const width = await page.evaluate(
        () => document.querySelector('article.card')!.getBoundingClientRect().width,
      );
      expect(width).toBeLessThanOrEqual(331);
    } finally {
      await page.setViewportSize({ width: 1400, height: 900 });
    }
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
