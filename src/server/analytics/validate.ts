import { type AnalyticsEvent, type Arm, type EventBatch, FUNNEL_EVENTS, type FunnelEvent, MAX_EVENTS_PER_BATCH, UNAUTHENTICATED_EVENTS } from '../../analytics-contract.js';
import { ApiError } from '../errors.js';

/** A batch body larger than this is refused unread (50 events of the longest allowed fields fit well within it). */
export const MAX_BATCH_BYTES = 32 * 1024;
/** Product and variant ids (Shopify's GIDs are ~40 characters). */
export const MAX_ID_LENGTH = 200;
/** A result later than this is not a try-on latency but a tab left open. */
export const MAX_LATENCY_MS = 600_000;
const MAX_VALUE = 1e9;

const ARMS: readonly Arm[] = ['treatment', 'holdout'];
/** Printable and free of the separators the aggregate fields use (tab) and of line breaks. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are exactly what an id may not hold.
const ID = /^[^\u0000-\u001f\u007f]{1,200}$/;
const EXPERIMENT = /^[A-Za-z0-9._:-]{1,64}$/;
const CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const CURRENCY = /^[A-Z]{3}$/;

/** A batch that passed every check: only the contract's fields, each bounded. */
export interface ValidBatch {
  token?: string;
  events: AnalyticsEvent[];
  /** Some event belongs to a try-on (open … error), so the batch needs a valid session token. */
  needsSession: boolean;
}

const refuse = (why: string) => new ApiError('BAD_REQUEST', `Invalid event batch: ${why}.`, { retryable: false });

/**
 * Parses and checks a `POST /events` body against the contract (src/analytics-contract.ts).
 * Fields the contract does not name are dropped, never stored; anything malformed is a 400.
 */
export function parseBatch(text: string): ValidBatch {
  if (text.length > MAX_BATCH_BYTES) throw refuse(`larger than ${MAX_BATCH_BYTES} bytes`);
  let body: Partial<EventBatch>;
  try {
    body = JSON.parse(text) as Partial<EventBatch>;
  } catch {
    throw refuse('not JSON');
  }
  if (!body || typeof body !== 'object' || body.v !== 1) throw refuse('v must be 1');
  if (body.token !== undefined && (typeof body.token !== 'string' || body.token.length > 2048)) throw refuse('token must be a string');
  if (!Array.isArray(body.events) || !body.events.length || body.events.length > MAX_EVENTS_PER_BATCH) throw refuse(`events must hold 1 to ${MAX_EVENTS_PER_BATCH} events`);
  const events = body.events.map((event, index) => parseEvent(event, index));
  return { token: body.token, events, needsSession: events.some((event) => !UNAUTHENTICATED_EVENTS.includes(event.name)) };
}

function parseEvent(raw: unknown, index: number): AnalyticsEvent {
  const input = raw as Record<string, unknown> | null;
  const at = (field: string) => `events[${index}].${field}`;
  if (!input || typeof input !== 'object') throw refuse(`events[${index}] must be an object`);
  if (!FUNNEL_EVENTS.includes(input.name as FunnelEvent)) throw refuse(`${at('name')} is not a known event`);
  if (!ARMS.includes(input.arm as Arm)) throw refuse(`${at('arm')} must be treatment or holdout`);
  if (typeof input.experiment !== 'string' || !EXPERIMENT.test(input.experiment)) throw refuse(`${at('experiment')} must be 1-64 letters, digits or . _ : -`);
  const event: AnalyticsEvent = { name: input.name as FunnelEvent, arm: input.arm as Arm, experiment: input.experiment };
  for (const field of ['productId', 'variantId'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !ID.test(value)) throw refuse(`${at(field)} must be 1-${MAX_ID_LENGTH} printable characters`);
    event[field] = value;
  }
  if (input.latencyMs !== undefined) event.latencyMs = boundedNumber(input.latencyMs, MAX_LATENCY_MS, at('latencyMs'));
  if (input.code !== undefined) {
    if (typeof input.code !== 'string' || !CODE.test(input.code)) throw refuse(`${at('code')} must be an error code`);
    event.code = input.code;
  }
  if (input.value !== undefined) event.value = boundedNumber(input.value, MAX_VALUE, at('value'));
  if (input.currency !== undefined) {
    if (typeof input.currency !== 'string' || !CURRENCY.test(input.currency)) throw refuse(`${at('currency')} must be an ISO 4217 code like EUR`);
    event.currency = input.currency;
  }
  // GA4's rule too: a value means nothing without its currency.
  if (event.value !== undefined && !event.currency) throw refuse(`${at('currency')} is required with a value`);
  if (input.triedOn !== undefined) {
    if (typeof input.triedOn !== 'boolean') throw refuse(`${at('triedOn')} must be true or false`);
    event.triedOn = input.triedOn;
  }
  return event;
}

function boundedNumber(value: unknown, max: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) throw refuse(`${name} must be a number from 0 to ${max}`);
  return value;
}
