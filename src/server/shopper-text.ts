import type { ErrorCode } from '../contract.js';

/**
 * The words the proxy itself puts in front of shoppers, by contract code: provider failures
 * carry them as `message` (the widget has its own text per code too, used when it has none).
 * One place, so server code that answers shoppers says the same thing everywhere.
 */
export const SHOPPER_TEXT = {
  PROVIDER_UNAVAILABLE: 'Try-on is unavailable right now. Please try again later.',
  RATE_LIMITED: 'Lots of people are trying things on right now. Please wait a moment and try again.',
  PROVIDER_ERROR: 'The try-on service had a problem. Please try again.',
  TRYON_FAILED: 'The try-on didn’t work this time. Please try again.',
  TRYON_REJECTED: 'We couldn’t find a person in that photo. Please use a clear, well-lit photo of yourself from head to at least the knees.',
  GARMENT_UNREADABLE: 'This product’s image can’t be used for a try-on.',
  INVALID_CATEGORY: 'Try-on isn’t available for this kind of product.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
} as const satisfies Partial<Record<ErrorCode, string>>;

/** The code of a shopper text. */
export type ShopperTextCode = keyof typeof SHOPPER_TEXT;

/** The short forms the sandbox and the job service use where the widget adds its own advice. */
export const BRIEF_SHOPPER_TEXT = {
  PROVIDER_UNAVAILABLE: 'Try-on is unavailable right now.',
  TRYON_FAILED: 'The try-on did not work this time.',
} as const satisfies Partial<Record<ErrorCode, string>>;

/** A photo the provider judged unusable for a reason it does not name (TryonAPI's VALIDATION_FAILED). */
export const PHOTO_UNUSABLE_TEXT = 'We couldn’t use that photo for a try-on. Please use a clear, well-lit, front-facing photo of yourself from head to at least the knees.';
