/**
 * Structured JSON logs, one line per event. Every value passes through `maskSecrets`
 * first: the proxy handles provider keys, session tokens and signed URLs, and none of
 * them may ever reach a log line, even by accident inside an error message.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. a request id or provider name). */
  child(fields: LogFields): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are never logged, whatever they hold. */
const SECRET_KEYS = /(secret|token|password|api[-_]?key|authorization|cookie|signature|credential|key[-_]?id)/i;

const SECRET_PATTERNS: RegExp[] = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  // JWTs and our session tokens: three base64url segments.
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
  // Query parameters that carry credentials in signed URLs (S3, GCS, CloudFront, our own photo links).
  /([?&](?:X-Amz-[A-Za-z-]+|Signature|Policy|Key-Pair-Id|token|sig|access_token|api_key|key)=)[^&\s"']+/gi,
];

/** Replaces anything that looks like a credential in a string with `***`. */
export function maskString(text: string, extraSecrets: readonly string[] = []): string {
  let masked = text;
  for (const secret of extraSecrets) if (secret.length >= 6) masked = masked.split(secret).join('***');
  for (const pattern of SECRET_PATTERNS)
    masked = masked.replace(pattern, (match, prefix?: string) => (typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}***` : '***'));
  return masked;
}

/** Deep-masks a log record: secret-named keys are dropped to `***`, strings are scanned, bytes are never printed. */
export function maskSecrets(value: unknown, extraSecrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return maskString(value, extraSecrets);
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `<${value.byteLength} bytes>`;
  if (value instanceof Error) return { name: value.name, message: maskString(value.message, extraSecrets) };
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, extraSecrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SECRET_KEYS.test(key) ? '***' : maskSecrets(item, extraSecrets, depth + 1)]));
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Exact values to mask wherever they appear (the configured provider keys and the token secret). */
  secrets?: readonly string[];
  write?: (line: string) => void;
}

export function createLogger({ level = 'info', secrets = [], write = (line) => console.log(line) }: LoggerOptions = {}, base: LogFields = {}): Logger {
  const emit = (at: LogLevel, event: string, fields?: LogFields) => {
    if (LEVELS[at] < LEVELS[level]) return;
    const record = maskSecrets({ time: new Date().toISOString(), level: at, event, ...base, ...fields }, secrets);
    write(JSON.stringify(record));
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
    child: (fields) => createLogger({ level, secrets, write }, { ...base, ...fields }),
  };
}

/** For tests and embedding: drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
