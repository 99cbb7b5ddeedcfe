/** Cloudflare Workers entry (wrangler.toml `main`); built to dist/edge/worker.js by `vite build --mode edge`. */
import { createWorkerEntry } from './edge.js';

export default createWorkerEntry();
export { createEdgeProxy, createEdgeServer, createWorkerEntry } from './edge.js';
