/**
 * The proxy as a library: the app factory and its parts, for embedding in another
 * server or runtime. `fitting-room-proxy` (cli.ts) is the ready-made Node entry.
 */
export { createProxy, type Proxy, type ProxyDependencies } from './app.js';
export { readConfig, ConfigError, type ProxyConfig, type S3Settings } from './config.js';
export { createNodeProxy, type NodeProxy } from './node.js';
export { serveWithEnvelopes, requestErrorResponse, answerClientError } from './node-errors.js';
export { createLogger, silentLogger, type Logger } from './log.js';
export { MemoryStore, type BlobStore } from './store.js';
export { FileStore } from './store-file.js';
export { S3Store } from './store-s3.js';
export { PROVIDERS, createProvider } from './providers/index.js';
export { PROVIDER_CATALOG, type ProviderEntry } from './providers/catalog.js';
export { defineProvider, type ProviderDefinition } from './providers/define.js';
export type { ProviderAdapter, ProviderContext, ProviderUpdate, TryOnRequest } from './providers/types.js';
