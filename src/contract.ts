/**
 * The widget ↔ proxy contract (see src/server/README.md, "The contract"). Shared by the browser and the
 * server so both sides agree on names; contains types and constants only, no logic,
 * so importing it costs the loader nothing.
 */

export const CATEGORIES = ['top', 'bottom', 'dress', 'outerwear', 'full', 'shoes', 'bag', 'accessory'] as const;
export type Category = (typeof CATEGORIES)[number];

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

export interface JobError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  /** On a failed multi-garment job: the 1-based index of the garment that failed. */
  item?: number;
}

/** What `GET /jobs/{id}` returns and what every SSE `data:` line carries. */
export interface JobView {
  id: string;
  status: JobStatus;
  /** 0..1 when the provider reports it (or the proxy estimates it honestly). */
  progress?: number;
  /** Relative to the proxy endpoint: `results/{id}`. Requires the same session token. */
  resultUrl?: string;
  error?: JobError;
  /** True when the image is a preview, not a real try-on (the sandbox provider). */
  preview?: boolean;
  /** On a multi-garment job while it runs: which garment is being put on, 1-based ("2 of 3"). */
  step?: { index: number; count: number };
}

/** One model of the merchant's gallery, as `GET /models` lists it. */
export interface ModelView {
  id: string;
  label: string;
  /** As the merchant wrote it, e.g. "172 cm". */
  height: string;
  /** The size the model wears, e.g. "M". */
  size: string;
  /** Relative to the proxy endpoint: `models/{id}/image`. */
  imageUrl: string;
}

/** `GET /models` body. */
export interface ModelGallery {
  models: ModelView[];
}

/**
 * The consent receipt: optional text fields of the `POST /jobs` form that say what the shopper
 * agreed to. A widget older than receipts sends none and keeps working; the proxy records each
 * receipt once per session, version and text hash (src/server/consent-records.ts).
 */
export interface ConsentReceiptFields {
  /** The version of the consent text agreed to (the widget's CONSENT_VERSION), digits. */
  consentVersion?: string;
  /** SHA-256, lowercase hex, of the consent text as shown: its lines, after the merchant's `strings`, joined by "\n". */
  consentTextHash?: string;
  /** The language the consent was shown in, a BCP 47 tag (`de`, `pt-BR`). */
  consentLocale?: string;
}

/** `POST /jobs` 202 body. */
export interface JobCreated {
  id: string;
  status: JobStatus;
  /** Reference to the stored, prepared photo, usable as `personRef` by later jobs of this session; absent for a job on a model (`modelId`). */
  personRef?: string;
}

/** `POST /session` body. */
export interface SessionGrant {
  token: string;
  /** ISO 8601. */
  expiresAt: string;
  /** How long the proxy keeps photos and results, in seconds. */
  retentionSeconds: number;
}

export interface ErrorEnvelope {
  error: JobError;
}

/**
 * Every error code the proxy can answer with, and the HTTP status it uses. The widget
 * keys its human messages on these codes, so adding one means adding a message too.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  EMPTY_IMAGE: 400,
  INVALID_CATEGORY: 400,
  GARMENT_MISSING: 400,
  PERSON_MISSING: 400,
  TOKEN_MISSING: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  ORIGIN_NOT_ALLOWED: 403,
  ORIGIN_MISMATCH: 403,
  GARMENT_HOST_NOT_ALLOWED: 403,
  JOB_NOT_FOUND: 404,
  RESULT_NOT_FOUND: 404,
  PERSON_REF_NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  IMAGE_TOO_LARGE: 413,
  IMAGE_TOO_MANY_PIXELS: 413,
  UNSUPPORTED_IMAGE_TYPE: 415,
  IMAGE_UNREADABLE: 422,
  GARMENT_UNREADABLE: 422,
  TRYON_REJECTED: 422,
  RATE_LIMITED: 429,
  DAILY_LIMIT_REACHED: 429,
  SESSION_LIMIT_REACHED: 429,
  BROWSER_LIMIT_REACHED: 429,
  CATEGORY_LIMIT_REACHED: 429,
  GARMENT_FETCH_FAILED: 502,
  PROVIDER_ERROR: 502,
  TRYON_FAILED: 502,
  PROVIDER_UNAVAILABLE: 503,
  TEMPORARILY_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
