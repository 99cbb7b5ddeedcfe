// @ts-check
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { getRequestListener } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';

/**
 * Element tests in real Chromium (the system one: nothing downloads a browser), against
 * a real proxy on the sandbox provider mounted at /fitting-room of the test server, so
 * the widget talks to it same-origin exactly as on a shop.
 *
 * Run through `node --import tsx` so this file can load the proxy's TypeScript.
 */
const { readConfig } = await import('../src/server/config.ts');
const { createNodeProxy } = await import('../src/server/node.ts');
const { createLogger } = await import('../src/server/log.ts');

const proxyBase = '/fitting-room';
/** The gallery of the `fitting-room-test-models` pages (heights as the merchant wrote them). */
const TEST_MODELS = [
  { id: 'model-a', label: 'Amara', height: '172 cm', size: 'M', imageUrl: 'models/model-a/image' },
  { id: 'model-b', label: 'Kenji', height: '5 ft 10 in', size: 'L', imageUrl: 'models/model-b/image' },
];
/** @type {Awaited<ReturnType<typeof createNodeProxy>> | undefined} */
let proxy;
/** @type {ReturnType<typeof getRequestListener> | undefined} */
let listener;

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Chromium's fake camera (a test pattern) and no permission prompt: the camera tests capture from it.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

/** The fake's whole-look jobs by id: their garments, and the 1-based item that fails (a garment URL ending in `#fail`). */
const fakeLooks = new Map();

/**
 * Whole-look jobs (several `garment` + `category` fields) as the contract describes them, for pages
 * that set the `fitting-room-test-looks` cookie, until the sandbox proxy takes several garments: each
 * job reports `step` ("2 of 3") over SSE, one step every 400 ms, then succeeds with a result image or
 * fails naming the item (`error.item`); so does a job on a model of the gallery (`modelId`). Single-garment
 * jobs on a photo go to the real proxy unchanged.
 * @param {any} context @param {() => Promise<void>} next
 */
async function lookJobs(context, next) {
  if (!context.path.startsWith(`${proxyBase}/`) || !/fitting-room-test-looks=1/.test(context.get('cookie'))) return next();
  const path = context.path.slice(proxyBase.length);
  const id = /^\/(?:jobs|results)\/(look-\d+)/.exec(path)?.[1];
  if (context.method === 'POST' && path === '/jobs') {
    const chunks = [];
    for await (const chunk of context.req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const form = await new Response(body, { headers: { 'content-type': context.get('content-type') } }).formData();
    const garments = form.getAll('garment');
    if (garments.length < 2 && !form.has('modelId')) {
      // One garment: the real proxy answers, with the body as it came.
      const headers = Object.fromEntries(Object.entries(context.req.headers).filter(([, value]) => typeof value === 'string'));
      const answer = await proxy.app.fetch(new Request(`http://localhost${context.path}`, { method: 'POST', headers, body }));
      context.status = answer.status;
      context.type = answer.headers.get('content-type') ?? 'application/json';
      context.body = Buffer.from(await answer.arrayBuffer());
      return;
    }
    const job = `look-${fakeLooks.size + 1}`;
    fakeLooks.set(job, { count: garments.length, failAt: garments.findIndex((garment) => String(garment).endsWith('#fail')) + 1 });
    context.status = 202;
    context.body = { id: job, status: 'queued', personRef: 'look-photo' };
    return;
  }
  if (!id || !fakeLooks.has(id)) return next();
  const { count, failAt } = fakeLooks.get(id);
  if (path.endsWith('/events')) {
    const { PassThrough } = await import('node:stream');
    const stream = new PassThrough();
    context.type = 'text/event-stream';
    context.body = stream;
    const send = (view) => stream.write(`data: ${JSON.stringify({ id, ...view })}\n\n`);
    void (async () => {
      for (let index = 1; index <= count; index++) {
        if (index === failAt) {
          send({ status: 'failed', error: { code: 'TRYON_FAILED', message: 'The try-on failed.', retryable: true, item: index } });
          return stream.end();
        }
        send({ status: 'running', progress: (index - 1) / count, step: { index, count } });
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      send({ status: 'succeeded', resultUrl: `results/${id}`, preview: true });
      stream.end();
    })();
    return;
  }
  if (path.startsWith('/results/')) {
    context.type = 'image/jpeg';
    context.body = await readFile(new URL('../demo/.generated/shopper-3.jpg', import.meta.url));
    return;
  }
  context.status = 204;
}

export default {
  rootDir: fileURLToPath(new URL('..', import.meta.url)),
  files: ['test/elements/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    }),
  ],
  testFramework: { config: { timeout: 20000 } },
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html lang="en">
      <head>
        <script>window.process = { env: { NODE_ENV: 'development' } };</script>
        <script src="/node_modules/axe-core/axe.min.js"></script>
      </head>
      <body><script type="module" src="${testFramework}"></script></body>
    </html>`,
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    {
      // What vite.config.ts does for the build: libheif's .wasm by URL, and its CommonJS glue as a module.
      name: 'fitting-room-libheif',
      resolveImport({ source }) {
        if (source === 'virtual:libheif-wasm') return '/__libheif-wasm.js';
      },
      serve(context) {
        if (context.path === '/__libheif-wasm.js') return { body: "export default '/node_modules/libheif-js/libheif-wasm/libheif.wasm';", type: 'js' };
      },
      transform(context) {
        if (context.path.endsWith('/libheif-js/libheif-wasm/libheif.js')) return { body: `${context.body}\nexport default libheif;` };
      },
    },
    {
      name: 'fitting-room-proxy',
      async serverStart({ config }) {
        const origin = `http://localhost:${config.port}`;
        proxy = await createNodeProxy(
          readConfig(
            {
              FITTING_ROOM_BASE_PATH: proxyBase,
              FITTING_ROOM_ALLOWED_ORIGINS: `${origin},http://127.0.0.1:${config.port}`,
              FITTING_ROOM_GARMENT_HOSTS: `localhost:${config.port},127.0.0.1:${config.port}`,
              FITTING_ROOM_SANDBOX_DURATION_MS: '600',
              FITTING_ROOM_DATA_DIR: 'test/.artifacts/wtr-data',
              // Every element test's try-ons come from one address within minutes: the per-address limits
              // (tested in test/server) would refuse the last files' jobs.
              FITTING_ROOM_JOBS_PER_IP: '0',
              FITTING_ROOM_SESSIONS_PER_IP: '0',
            },
            { dev: true },
          ),
          // Errors only: request lines and the expected failures of failure tests would drown the report.
          { log: createLogger({ level: 'error' }) },
        );
        listener = getRequestListener(proxy.app.fetch);
      },
      async serverStop() {
        await proxy?.close();
      },
    },
  ],
  middleware: [
    /**
     * A model gallery (`GET /models` of the contract, images under `models/<id>/image`) for pages that
     * set the `fitting-room-test-models` cookie: the widget's gallery is tested against it whether or not
     * the proxy has models configured. Other pages get the real proxy's answer.
     * @param {any} context @param {() => Promise<void>} next
     */
    async (context, next) => {
      if (!context.path.startsWith(`${proxyBase}/models`) || !/fitting-room-test-models=1/.test(context.get('cookie'))) return next();
      const image = /^\/models\/([\w-]+)\/image$/.exec(context.path.slice(proxyBase.length))?.[1];
      if (image) {
        context.type = 'image/jpeg';
        context.body = await readFile(new URL(`../demo/.generated/${image === 'model-b' ? 'shopper-2' : 'shopper-1'}.jpg`, import.meta.url));
        return;
      }
      context.type = 'application/json';
      context.body = JSON.stringify({ models: TEST_MODELS });
    },
    lookJobs,
    /** @param {any} context @param {() => Promise<void>} next */
    async (context, next) => {
      if (!listener || !context.path.startsWith(`${proxyBase}/`)) return next();
      context.respond = false;
      await listener(context.req, context.res);
    },
  ],
};
