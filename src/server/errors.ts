import { ERROR_STATUS, type ErrorCode, type ErrorEnvelope } from '../contract.js';

/**
 * A failure the proxy answers with the contract's error envelope. The status comes from
 * `ERROR_STATUS`, so a code can never be sent with the wrong status.
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { retryable?: boolean; retryAfter?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }

  get retryable(): boolean {
    return this.options.retryable ?? (this.status === 429 || this.status >= 500);
  }

  toEnvelope(): ErrorEnvelope {
    return { error: { code: this.code, message: this.message, retryable: this.retryable } };
  }

  /** The answer's own headers: its content type, and `retry-after` when the error says when to come back. */
  headers(): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (this.options.retryAfter != null) headers['retry-after'] = String(Math.ceil(this.options.retryAfter));
    return headers;
  }

  toResponse(headers: Record<string, string> = {}): Response {
    return new Response(JSON.stringify(this.toEnvelope()), { status: this.status, headers: { ...headers, ...this.headers() } });
  }
}
