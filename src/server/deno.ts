/** Deno entry, built to dist/edge/deno.js: `deno run --allow-net --allow-env dist/edge/deno.js` (src/server/README.md, "Deno"). */
import { createEdgeServer } from './worker.js';

type ServeInfo = { remoteAddr: { hostname: string } };
declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(options: { port: number; hostname?: string }, handler: (request: Request, info: ServeInfo) => Promise<Response>): unknown;
};

const env = Deno.env.toObject();
const proxy = createEdgeServer(env, { sweepTimer: true, peerAddress: (_request, info) => (info as ServeInfo).remoteAddr.hostname });
Deno.serve({ port: Number(env.PORT || 8787), hostname: env.HOST }, (request, info) => proxy.fetch(request, info));
