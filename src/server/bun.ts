/** Bun entry, built to dist/edge/bun.js: `bun run dist/edge/bun.js` (src/server/README.md, "Bun"). */
import { createEdgeServer } from './worker.js';

interface BunServer {
  requestIP(request: Request): { address: string } | null;
}
// Bun.env, not process.env: a web-worker build replaces `process.env` with `{}`.
declare const Bun: { env: Record<string, string | undefined> };

const proxy = createEdgeServer(Bun.env, { sweepTimer: true, peerAddress: (request, server) => (server as BunServer).requestIP(request)?.address });

export default { port: Number(Bun.env.PORT || 8787), hostname: Bun.env.HOST, fetch: (request: Request, server: BunServer) => proxy.fetch(request, server) };
