/**
 * Upstream errors in the contract's vocabulary: a failure per code with the shopper's text,
 * the generic mapping of HTTP statuses every provider falls back to, and any thrown error as
 * a `ProviderFailure`. Provider text goes into `detail` only (logs), clipped and masked.
 */
import { maskString } from '../../log.js';
import { SHOPPER_TEXT, type ShopperTextCode } from '../../shopper-text.js';
import { ProviderError, type ProviderFailure } from '../types.js';
import { clip, definedOnly } from './json.js';

/** A failure with the shopper text of its code. */
export function failure(code: ShopperTextCode, retryable: boolean, extra: Omit<ProviderFailure, 'code' | 'retryable'> = {}): ProviderFailure {
  return { code, retryable, message: SHOPPER_TEXT[code], ...definedOnly(extra) };
}

/** One non-2xx (or unusable 2xx) answer of an upstream call. */
export interface HttpAnswer {
  /** "POST /v1/try-on": what the call was, without host or query. */
  label: string;
  status: number;
  headers: Headers;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  body: unknown;
}

/**
 * The mapping every provider falls back to. Provider mappings handle their own envelopes
 * first (error codes in bodies) and return `undefined` to land here.
 */
export function genericHttpFailure(answer: HttpAnswer, providerMessage?: string): ProviderFailure {
  const { status } = answer;
  const providerCode = `HTTP_${status}`;
  const detail = describeAnswer(answer, providerMessage);
  if (status === 401 || status === 403) return failure('PROVIDER_UNAVAILABLE', false, { providerCode, detail });
  if (status === 402) return failure('PROVIDER_UNAVAILABLE', false, { providerCode, detail, creditsExhausted: true });
  if (status === 429) return failure('RATE_LIMITED', true, { providerCode, detail });
  if (status === 502 || status === 503 || status === 504) return failure('PROVIDER_UNAVAILABLE', true, { providerCode, detail });
  if (status >= 500 || status === 408) return failure('PROVIDER_ERROR', true, { providerCode, detail });
  return failure('PROVIDER_ERROR', false, { providerCode, detail });
}

/** "POST /v1/try-on answered 402: Account balance is below…" — for logs, masked by the caller. */
export function describeAnswer(answer: HttpAnswer, providerMessage?: string): string {
  return `${answer.label} answered ${answer.status}${providerMessage ? `: ${clip(providerMessage)}` : ''}`;
}

/** Any error as a ProviderFailure (ProviderErrors keep their fields; anything else is PROVIDER_ERROR). */
export function toFailure(error: unknown, secrets: readonly string[] = []): ProviderFailure {
  if (error instanceof ProviderError) {
    const { code, message, retryable, providerCode, detail, creditsExhausted, outcomeUnknown } = error;
    return definedOnly({ code, message, retryable, providerCode, detail, creditsExhausted, outcomeUnknown });
  }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return failure('PROVIDER_ERROR', true, { detail: maskString(clip(text), secrets) });
}

/** A call that got no answer: TIMEOUT when its own timeout fired, else NETWORK (with the cause, masked by the caller). */
export function noAnswer(label: string, timedOut: boolean, timeoutMs: number, cause: string): ProviderFailure {
  return timedOut
    ? failure('PROVIDER_ERROR', true, { providerCode: 'TIMEOUT', detail: `${label} did not answer within ${timeoutMs} ms` })
    : failure('PROVIDER_UNAVAILABLE', true, { providerCode: 'NETWORK', detail: `${label} failed: ${cause}` });
}

/** The low-level code of a fetch failure ("ECONNREFUSED"), when undici gives one. */
export function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** "ECONNREFUSED" or the error's own words; never a URL (undici's "fetch failed" carries none). */
export function causeText(error: unknown): string {
  const code = causeCode(error);
  if (code) return code;
  return error instanceof Error ? clip(error.message, 120) : 'unknown error';
}
