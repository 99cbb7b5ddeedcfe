import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../../demo/server.js';
import { type AnalyticsEvent, FUNNEL_EVENTS, type FunnelEvent } from '../../src/analytics-contract.js';
import type { AnalyticsSummary } from '../../src/server/analytics/summary.js';
import { freePort } from '../server/redis-server.js';
import { closeServer, listen, startProxy, type TestProxy } from '../server/harness.js';
import { launchChromium } from './embed/browser.js';

/**
 * The collector and the dashboard as browsers meet them: shoppers in real Chromium on a shop's
 * page (its own origin) send the contract's batches to the proxy with sendBeacon and fetch,
 * and the merchant signs in to the dashboard. Screenshots land in test/.artifacts/.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const artifacts = new URL('../.artifacts/', import.meta.url);
const ADMIN_TOKEN = 'e2e-dashboard-admin-token-0123456789';
const SHOPPERS = 40;

/**
 * The shop page's script, as the widget's loader would send: exposure (and the impression, in
 * the treatment arm) by sendBeacon as the page shows; the try-on's events with the session
 * token by fetch with keepalive; the add-to-cart and the order by sendBeacon again.
 */
const SHOP_SCRIPT = `
const plan = JSON.parse(decodeURIComponent(location.hash.slice(1)));
const send = (events, token) => navigator.sendBeacon(plan.collector, JSON.stringify({ v: 1, token, events }));
window.shopperDone = (async () => {
  if (!send(plan.seen)) throw new Error('beacon refused');
  if (plan.tryOn.length) {
    const { token } = await (await fetch(plan.session, { method: 'POST' })).json();
    const response = await fetch(plan.collector, { method: 'POST', keepalive: true, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ v: 1, token, events: plan.tryOn }) });
    if (response.status !== 204) throw new Error('collector said ' + response.status);
  }
  if (plan.bought.length && !send(plan.bought)) throw new Error('beacon refused');
  return true;
})();
`;

/** Shopper `i`'s plan: every fourth is in the holdout; a third of the others try on; some buy. */
function planOf(i: number) {
  const arm = i % 4 === 0 ? 'holdout' : 'treatment';
  const base = { arm, experiment: 'e2e-h25', productId: `gid://shopify/Product/${100 + (i % 3)}` } as const;
  const seen: AnalyticsEvent[] = [{ name: 'exposure', ...base }];
  const tryOn: AnalyticsEvent[] = [];
  const bought: AnalyticsEvent[] = [];
  const triedOn = arm === 'treatment' && i % 3 === 0;
  if (arm === 'treatment') seen.push({ name: 'impression', ...base });
  if (triedOn) {
    tryOn.push(...(['open', 'consent', 'photo', 'submit'] as const).map((name) => ({ name, ...base })));
    tryOn.push(i % 9 === 0 ? { name: 'error', ...base, code: 'TRYON_FAILED' } : { name: 'result', ...base, latencyMs: 2_500 + 100 * i });
  }
  if (i % 2 === 0) bought.push({ name: 'add_to_cart', ...base, variantId: 'v1', value: 25, currency: 'EUR', triedOn });
  if (i % 6 === 0) bought.push({ name: 'order', arm, experiment: 'e2e-h25', value: 50, currency: 'EUR', triedOn });
  return { seen, tryOn, bought };
}

async function axeViolations(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

let browser: Browser;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe('shoppers in Chromium, both arms', () => {
  let proxy: TestProxy;
  let shop: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    const port = await freePort();
    const page = `<!doctype html><html lang="en"><head><title>Shop</title><script src="/shop.js" defer></script></head><body><h1>Tee</h1></body></html>`;
    shop = await listen((request) => {
      const path = new URL(request.url).pathname;
      if (path === '/shop.js') return new Response(SHOP_SCRIPT, { headers: { 'content-type': 'text/javascript' } });
      return new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8' } });
    }, port);
    proxy = await startProxy({ FITTING_ROOM_ALLOWED_ORIGINS: shop.url, FITTING_ROOM_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await proxy?.close();
    if (shop) await closeServer(shop.server);
  });

  it(`${SHOPPERS} shoppers give exactly the expected counts in the dashboard's JSON`, async () => {
    const expected = { treatment: {} as Record<FunnelEvent, number>, holdout: {} as Record<FunnelEvent, number> };
    for (const arm of ['treatment', 'holdout'] as const) for (const name of FUNNEL_EVENTS) expected[arm][name] = 0;
    let ordersAfterTryOn = 0;
    // Two shoppers at a time (the machine is shared): each in a fresh browser context, as a fresh browser.
    for (let i = 0; i < SHOPPERS; i += 2) {
      await Promise.all(
        [i, i + 1].map(async (index) => {
          const plan = planOf(index);
          for (const event of [...plan.seen, ...plan.tryOn, ...plan.bought]) expected[event.arm][event.name]++;
          ordersAfterTryOn += plan.bought.filter((event) => event.name === 'order' && event.triedOn).length;
          const context = await browser.newContext();
          const page = await context.newPage();
          const hash = encodeURIComponent(JSON.stringify({ ...plan, collector: `${proxy.url}/events`, session: `${proxy.url}/session` }));
          await page.goto(`${shop.url}/product#${hash}`);
          expect(await page.evaluate(() => (window as unknown as { shopperDone: Promise<boolean> }).shopperDone)).toBe(true);
          await context.close();
        }),
      );
    }
    const total = Object.values(expected)
      .flatMap((counts) => Object.values(counts))
      .reduce((sum, count) => sum + count, 0);
    // Beacons are delivered after the page moves on; wait until the collector has all of them, then compare.
    const read = async () => (await (await fetch(`${proxy.url}/admin/api/summary?days=1`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as AnalyticsSummary;
    let summary = await read();
    const counted = (s: AnalyticsSummary) => Object.values(s.funnel).reduce((sum, count) => sum + count, 0);
    for (const deadline = Date.now() + 10_000; counted(summary) < total && Date.now() < deadline; ) summary = await read();
    expect(summary.arms).toEqual(expected);
    expect(expected.holdout.exposure).toBe(10);
    expect(expected.treatment.exposure).toBe(30);
    expect(summary.errors).toEqual([{ code: 'TRYON_FAILED', count: expected.treatment.error }]);
    expect(ordersAfterTryOn).toBeGreaterThan(0);
    expect(summary.attribution.ordersAfterTryOn).toBe(ordersAfterTryOn);
    expect(summary.lift.addToCart.enough).toBe(false);
  });
});

describe('the dashboard in Chromium', () => {
  let demo: Awaited<ReturnType<typeof startDemo>>;

  beforeAll(async () => {
    demo = await startDemo({ port: 0, env: { ...process.env, FITTING_ROOM_SANDBOX_DURATION_MS: '300', FITTING_ROOM_ADMIN_TOKEN: ADMIN_TOKEN } });
    await demo.simulate();
  });
  afterAll(() => demo?.close());

  for (const [name, viewport] of [
    ['phone', { width: 390, height: 844 }],
    ['desktop', { width: 1280, height: 800 }],
  ] as const) {
    it(`signs in with the keyboard and shows every part with charts, without axe violations (${name})`, async () => {
      const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(demo.adminUrl);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('Admin token').fill('wrong-token');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('not right');
      // The refused sign-in was answered 401, which Chromium logs; what follows must log nothing.
      problems.length = 0;
      await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Try-on analytics' }).waitFor();
      await page.getByText(/^Showing \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/).waitFor();

      for (const heading of ['Lift from try-on', 'Funnel', 'Try-ons per day', 'Time to result', 'Errors by code', 'Provider credits', 'Orders after a try-on', 'Top products']) {
        expect(await page.getByRole('heading', { name: heading, level: 2 }).count(), heading).toBe(1);
      }
      // uPlot drew both charts; the lift has its interval (the simulation has enough shoppers).
      expect(await page.locator('.chart canvas').count()).toBe(2);
      expect(await page.locator('#lift').textContent()).toMatch(/95% confidence interval [+−]\d+\.\d\d pp to [+−]\d+\.\d\d pp/);
      expect(await page.locator('#products tbody tr').count()).toBeGreaterThan(3);
      // Nothing scrolls sideways at phone width but the products table, which has its own scroller.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: new URL(`dashboard-${name}.png`, artifacts).pathname, fullPage: true });

      // The period can be changed from the keyboard; the export link follows it.
      await page.getByLabel('Period').focus();
      await page.getByLabel('Period').selectOption('7');
      await page.getByText(/^Showing /).waitFor();
      expect(await page.locator('#export').getAttribute('href')).toMatch(/export\.csv\?days=7$/);
      expect(problems).toEqual([]);
      await context.close();
    });
  }
});
