/**
 * Host-page cost: the demo product page in headless Chromium with the widget and without it
 * (the same page, served with the `<fitting-room>` element and its script tag stripped out
 * by page.route), with no interaction at all (before intent). Main-thread time from the
 * DevTools Performance metrics, long tasks and layout shifts from PerformanceObservers, and
 * the time until the "Try it on" button is drawn. Runs alternate, after a warm-up pair;
 * every figure is the median over the runs.
 */
import type { Browser, CDPSession } from 'playwright-core';
import { startDemo } from '../../demo/server.js';
import { median, newContext, note, round, sleep, sum } from './lib.js';

export interface PageRun {
  /** Renderer main-thread time during the load and 2 s after (ms): all tasks, script, layout, style. */
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  longTasks: number;
  longTaskMs: number;
  maxLongTaskMs: number;
  cls: number;
  /** When the button was first laid out with a box, in the frame that paints it (ms after navigation start); undefined without the widget. */
  buttonVisibleMs?: number;
  /**
   * Long animation frames (≥ 50 ms, with blocking time) in which a widget file ran a script,
   * from the Long Animation Frames API's script attribution; and that script time.
   */
  widgetLongFrames: number;
  widgetLongFrameScriptMs: number;
  /** Widget scripts that alone ran ≥ 50 ms: long tasks the widget caused. */
  widgetLongTasks: number;
  fcpMs?: number;
  loadMs: number;
  /** Widget files requested before any intent (should be the loader alone). */
  widgetRequests: string[];
  /** Requests to the proxy before intent (should be none). */
  proxyRequests: number;
  layoutShiftSources: string[];
}

export type PageSummary = Omit<PageRun, 'widgetRequests' | 'layoutShiftSources' | 'buttonVisibleMs' | 'fcpMs'> & {
  buttonVisibleMs?: number;
  fcpMs?: number;
  widgetRequests: string[];
  layoutShiftSources: string[];
};

export interface HostPageResults {
  runs: number;
  cpuThrottle: number;
  viewport: { width: number; height: number };
  with: PageSummary;
  without: PageSummary;
  /** with ÷ without, of the medians. */
  ratio: { task: number; script: number };
  /** with − without, of the medians (ms). */
  extraMs: { task: number; script: number };
  samples: { with: PageRun[]; without: PageRun[] };
}

const SETTLE_MS = 2000;
const VIEWPORT = { width: 412, height: 915 };

/** Runs in the page before its own scripts. */
function observe() {
  const bench = {
    longTasks: [] as { start: number; duration: number }[],
    /** Script time of the widget's files inside long animation frames (LoAF attribution). */
    widgetInLongFrames: [] as { frameStart: number; frameMs: number; blockingMs: number; scriptMs: number; source: string }[],
    cls: 0,
    shiftSources: [] as string[],
    buttonVisibleAt: undefined as number | undefined,
  };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const frame of list.getEntries() as unknown as { startTime: number; duration: number; blockingDuration: number; scripts: { sourceURL: string; duration: number }[] }[]) {
        for (const script of frame.scripts ?? []) {
          if (script.sourceURL.includes('/widget/')) {
            bench.widgetInLongFrames.push({
              frameStart: frame.startTime,
              frameMs: frame.duration,
              blockingMs: frame.blockingDuration,
              scriptMs: script.duration,
              source: script.sourceURL.split('/').pop()!,
            });
          }
        }
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // No LoAF in this browser: long tasks alone.
  }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as unknown as { value: number; hadRecentInput: boolean; sources?: { node?: Node }[] }[]) {
      if (entry.hadRecentInput) continue;
      bench.cls += entry.value;
      for (const source of entry.sources ?? []) {
        const node = source.node as Element | undefined;
        bench.shiftSources.push(node ? `${node.nodeName.toLowerCase()}${node.id ? `#${node.id}` : ''}${node.classList?.length ? `.${[...node.classList].join('.')}` : ''}` : '?');
      }
    }
  }).observe({ type: 'layout-shift', buffered: true });
  // When the loader draws its button: it attaches its shadow root and appends the button in
  // one go; a ResizeObserver reports the button's first box from the rendering step of the
  // frame that paints it. No polling, so the page without the widget pays nothing for this.
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attachShadow.call(this, init);
    if (this.localName === 'fitting-room' && bench.buttonVisibleAt === undefined) {
      queueMicrotask(() => {
        const button = root.querySelector('button');
        if (!button) return;
        const observer = new ResizeObserver((entries) => {
          const box = entries[0]?.contentRect;
          if (!box || box.width === 0 || box.height === 0) return;
          bench.buttonVisibleAt ??= performance.now();
          observer.disconnect();
        });
        observer.observe(button);
      });
    }
    return root;
  };
}

const WIDGET_SCRIPT = /\s*<script type="module" src="\/widget\/fitting-room\.js"><\/script>/;
const WIDGET_ELEMENT = /\s*<fitting-room[\s\S]*?<\/fitting-room>/;

async function metrics(cdp: CDPSession) {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(list.map((metric) => [metric.name, metric.value]));
}

async function loadOnce(browser: Browser, url: string, withWidget: boolean, throttle: number): Promise<PageRun> {
  const context = await newContext(browser, { viewport: VIEWPORT, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  try {
    await page.addInitScript(observe);
    // Both variants go through the same interception, so its cost is the same for both.
    await page.route(`${url}/`, async (route) => {
      const response = await route.fetch();
      let body = await response.text();
      if (!withWidget) {
        if (!WIDGET_SCRIPT.test(body) || !WIDGET_ELEMENT.test(body)) throw new Error('the demo page no longer has the embed this bench strips');
        body = body.replace(WIDGET_SCRIPT, '').replace(WIDGET_ELEMENT, '');
      }
      await route.fulfill({ response, body });
    });
    const widgetRequests: string[] = [];
    let proxyRequests = 0;
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/widget/')) widgetRequests.push(path.slice('/widget/'.length));
      if (path.startsWith('/fitting-room')) proxyRequests++;
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    const before = await metrics(cdp);
    await page.goto(`${url}/`, { waitUntil: 'load' });
    await sleep(SETTLE_MS);
    const after = await metrics(cdp);
    const seen = await page.evaluate(() => {
      type Seen = {
        longTasks: { start: number; duration: number }[];
        widgetInLongFrames: { frameStart: number; frameMs: number; blockingMs: number; scriptMs: number; source: string }[];
        cls: number;
        shiftSources: string[];
        buttonVisibleAt?: number;
      };
      const bench = (window as unknown as { __bench: Seen }).__bench;
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { ...bench, loadMs: navigation?.loadEventStart ?? NaN, fcpMs: fcp?.startTime };
    });
    const ms = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
    return {
      taskMs: ms('TaskDuration'),
      scriptMs: ms('ScriptDuration'),
      layoutMs: ms('LayoutDuration'),
      styleMs: ms('RecalcStyleDuration'),
      longTasks: seen.longTasks.length,
      longTaskMs: sum(seen.longTasks.map((task) => task.duration)),
      maxLongTaskMs: Math.max(0, ...seen.longTasks.map((task) => task.duration)),
      cls: seen.cls,
      buttonVisibleMs: seen.buttonVisibleAt,
      widgetLongFrames: seen.widgetInLongFrames.filter((frame) => frame.blockingMs > 0).length,
      widgetLongFrameScriptMs: sum(seen.widgetInLongFrames.map((frame) => frame.scriptMs)),
      widgetLongTasks: seen.widgetInLongFrames.filter((frame) => frame.scriptMs >= 50).length,
      fcpMs: seen.fcpMs,
      loadMs: seen.loadMs,
      widgetRequests,
      proxyRequests,
      layoutShiftSources: seen.shiftSources,
    };
  } finally {
    await context.close();
  }
}

function summarise(runs: PageRun[]): PageSummary {
  const of = (pick: (run: PageRun) => number | undefined) => {
    const values = runs.map(pick).filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
    return values.length ? round(median(values), 4) : undefined;
  };
  return {
    taskMs: of((run) => run.taskMs)!,
    scriptMs: of((run) => run.scriptMs)!,
    layoutMs: of((run) => run.layoutMs)!,
    styleMs: of((run) => run.styleMs)!,
    longTasks: of((run) => run.longTasks)!,
    longTaskMs: of((run) => run.longTaskMs)!,
    maxLongTaskMs: of((run) => run.maxLongTaskMs)!,
    widgetLongFrames: Math.max(...runs.map((run) => run.widgetLongFrames)),
    widgetLongFrameScriptMs: of((run) => run.widgetLongFrameScriptMs)!,
    widgetLongTasks: Math.max(...runs.map((run) => run.widgetLongTasks)),
    cls: of((run) => run.cls)!,
    buttonVisibleMs: of((run) => run.buttonVisibleMs),
    fcpMs: of((run) => run.fcpMs),
    loadMs: of((run) => run.loadMs)!,
    proxyRequests: Math.max(...runs.map((run) => run.proxyRequests)),
    widgetRequests: [...new Set(runs.flatMap((run) => run.widgetRequests))],
    layoutShiftSources: [...new Set(runs.flatMap((run) => run.layoutShiftSources))],
  };
}

export async function measureHostPage(browser: Browser, { runs = 7, cpuThrottle = 4 } = {}): Promise<HostPageResults> {
  const demo = await startDemo({ port: 0, env: { ...process.env, FITTING_ROOM_SANDBOX_DURATION_MS: '1000' } });
  try {
    // Warm-up pair: the server's first answers and Chromium's caches of the binary.
    await loadOnce(browser, demo.url, true, cpuThrottle);
    await loadOnce(browser, demo.url, false, cpuThrottle);
    const samples = { with: [] as PageRun[], without: [] as PageRun[] };
    for (let index = 0; index < runs; index++) {
      // Alternate which goes first, so a drift in the machine's load hits both alike.
      const order = index % 2 ? [false, true] : [true, false];
      for (const withWidget of order) (withWidget ? samples.with : samples.without).push(await loadOnce(browser, demo.url, withWidget, cpuThrottle));
      note(`host page: run ${index + 1}/${runs}`);
    }
    const withWidget = summarise(samples.with);
    const without = summarise(samples.without);
    return {
      runs,
      cpuThrottle,
      viewport: VIEWPORT,
      with: withWidget,
      without,
      ratio: { task: round(withWidget.taskMs / without.taskMs, 3), script: round(withWidget.scriptMs / without.scriptMs, 3) },
      extraMs: { task: round(withWidget.taskMs - without.taskMs, 2), script: round(withWidget.scriptMs - without.scriptMs, 2) },
      samples,
    };
  } finally {
    await demo.close();
  }
}
