/**
 * `npm run demo -- --simulate`: simulated shoppers in both arms of the holdout, so the
 * dashboard has something to draw.
 *
 * - Today's shoppers go through the real collector (`POST /events` with the page's Origin,
 *   try-on events with a session token from `POST /session`), and a few run real try-ons on the
 *   sandbox (the same photo twice: one run uses credits, the second is served from it).
 * - The previous days are history: the collector only ever counts "now", so those counters are
 *   written straight into the proxy's aggregates, as the collector would have.
 *
 * Shoppers are drawn from a seeded random generator, so every run tells the same story: try-on
 * lifts the add-to-cart rate of the shoppers who see it.
 */
import { readFile } from 'node:fs/promises';
import type { AnalyticsEvent, Arm } from '../src/analytics-contract.js';
import type { AnalyticsAggregates } from '../src/server/analytics/aggregates.js';
import { seededRandom } from './seeded-random.js';

export interface SimulationOptions {
  /** The shop's origin (the demo's URL): events are sent from it. */
  origin: string;
  /** The proxy's base URL (`{origin}/fitting-room`). */
  proxyUrl: string;
  analytics: AnalyticsAggregates;
  /** The proxy's provider, for time-to-result history. */
  provider: string;
  /** Where shopper-1.jpg and tee-navy.png are (demo/.generated). */
  imagesDir: string;
  /** Shoppers sent through the collector today, and per day of history. */
  today?: number;
  perDay?: number;
  historyDays?: number;
  seed?: number;
}

const EXPERIMENT = 'holdout-20-demo';
/** Larger than a shop would choose (0.1), so a demo's few thousand shoppers give a narrow interval. */
const HOLDOUT_SHARE = 0.2;
const PRODUCTS = ['organic-tee-navy', 'organic-tee-terracotta', 'linen-shirt', 'denim-jacket', 'wool-sweater', 'summer-dress'];
const ERROR_CODES = ['TRYON_FAILED', 'IMAGE_UNREADABLE', 'PROVIDER_UNAVAILABLE'];
const DAY_MS = 86_400_000;

/** One shopper's events: what they saw and did, in the contract's terms. */
export function simulatedShopper(next: () => number): { arm: Arm; events: AnalyticsEvent[]; triedOn: boolean } {
  const arm: Arm = next() < HOLDOUT_SHARE ? 'holdout' : 'treatment';
  const productId = PRODUCTS[Math.floor(next() * next() * PRODUCTS.length)]!;
  const base = { arm, experiment: EXPERIMENT, productId };
  const events: AnalyticsEvent[] = [{ name: 'exposure', ...base }];
  let triedOn = false;
  if (arm === 'treatment' && next() < 0.7) {
    events.push({ name: 'impression', ...base });
    const steps: AnalyticsEvent['name'][] = ['open', 'consent', 'photo', 'submit'];
    const odds = [0.16, 0.85, 0.9, 0.95];
    for (const [index, name] of steps.entries()) {
      if (next() >= odds[index]!) break;
      events.push({ name, ...base });
      if (name === 'submit') {
        triedOn = true;
        if (next() < 0.93) events.push({ name: 'result', ...base, latencyMs: Math.round(2_500 + 5_000 * next() + 12_000 * next() ** 6) });
        else events.push({ name: 'error', ...base, code: ERROR_CODES[Math.floor(next() * ERROR_CODES.length)]! });
      }
    }
  }
  // Try-on helps the shoppers who use it; seeing the button alone changes little.
  const addToCart = next() < (triedOn ? 0.3 : 0.055);
  if (addToCart) {
    const value = 29 + Math.round(next() * 50);
    events.push({ name: 'add_to_cart', ...base, variantId: `${productId}-m`, value, currency: 'EUR', triedOn });
    if (next() < 0.45) events.push({ name: 'order', arm, experiment: EXPERIMENT, value, currency: 'EUR', triedOn });
  }
  return { arm, events, triedOn };
}

/** Sends today's shoppers through the collector and writes the history; resolves with what it did. */
export async function simulateShoppers(options: SimulationOptions): Promise<{ today: number; history: number; tryOns: number }> {
  const { origin, proxyUrl, analytics, provider } = options;
  const next = seededRandom(options.seed ?? 13);
  const historyDays = options.historyDays ?? 13;
  const perDay = options.perDay ?? 450;
  let history = 0;
  for (let day = historyDays; day >= 1; day--) {
    const at = Date.now() - day * DAY_MS;
    // Traffic grows through the period, as after a launch.
    const count = Math.round(perDay * (0.7 + (0.5 * (historyDays - day)) / historyDays));
    for (let i = 0; i < count; i++) {
      const shopper = simulatedShopper(next);
      await analytics.record(shopper.events, provider, at);
      if (shopper.triedOn) await analytics.recordRun(next() < 0.3 ? 'cached' : 'upstream', at);
      history++;
    }
  }

  const post = (path: string, init: RequestInit) => fetch(`${proxyUrl}${path}`, { ...init, headers: { origin, ...init.headers } });
  const beacon = async (events: AnalyticsEvent[], token?: string) => {
    const response = await post('/events', { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify({ v: 1, token, events }) });
    if (response.status !== 204) throw new Error(`the collector refused a simulated batch: ${response.status} ${await response.text()}`);
  };
  const session = async () => ((await (await post('/session', { method: 'POST' })).json()) as { token: string }).token;

  const today = options.today ?? 120;
  for (let i = 0; i < today; i++) {
    const { events } = simulatedShopper(next);
    const needsToken = events.some((event) => !['exposure', 'impression', 'add_to_cart', 'order'].includes(event.name));
    await beacon(events, needsToken ? await session() : undefined);
  }

  // Real try-ons on the sandbox: two different, then the first again (served from its run, credits saved).
  const photo = (name: string) => readFile(`${options.imagesDir}/${name}`);
  const runs: [string, string][] = [
    ['shopper-1.jpg', 'tee-navy.png'],
    ['shopper-2.jpg', 'tee-terracotta.png'],
    ['shopper-1.jpg', 'tee-navy.png'],
  ];
  for (const [person, garment] of runs) {
    const form = new FormData();
    form.append('person', new Blob([new Uint8Array(await photo(person))], { type: 'image/jpeg' }), person);
    form.append('garment', `${origin}/images/${garment}`);
    form.append('category', 'top');
    const response = await post('/jobs', { method: 'POST', headers: { authorization: `Bearer ${await session()}` }, body: form });
    if (!response.ok) throw new Error(`a simulated try-on failed: ${response.status} ${await response.text()}`);
  }
  return { today, history, tryOns: runs.length };
}
