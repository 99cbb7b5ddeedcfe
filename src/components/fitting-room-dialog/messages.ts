import type { ErrorCode } from '../../contract.js';

/** What the shopper can do next after an error; each maps to one obvious button. */
export type NextStep = 'retry' | 'new-photo' | 'close';

export interface ErrorText {
  message: string;
  next: NextStep;
}

/** Every code the proxy or the photo preparation can report, in words a shopper understands. */
export const ERROR_TEXT: Record<ErrorCode | 'NETWORK', ErrorText> = {
  EMPTY_IMAGE: { message: 'That file is empty. Please choose a photo.', next: 'new-photo' },
  UNSUPPORTED_IMAGE_TYPE: { message: 'That file isn’t a photo we can use. Please choose a JPEG, PNG or WebP image.', next: 'new-photo' },
  IMAGE_UNREADABLE: { message: 'We couldn’t read that photo. It may be damaged — please try another one.', next: 'new-photo' },
  IMAGE_TOO_LARGE: { message: 'That photo is too large. Please choose one under 10 MB.', next: 'new-photo' },
  IMAGE_TOO_MANY_PIXELS: { message: 'That image has too many pixels (over 50 megapixels). Please choose a regular photo.', next: 'new-photo' },
  PERSON_MISSING: { message: 'Please choose a photo of yourself first.', next: 'new-photo' },
  PERSON_REF_NOT_FOUND: { message: 'Your earlier photo has expired. Please choose it again.', next: 'new-photo' },
  TRYON_REJECTED: { message: 'The try-on couldn’t find a person in that photo. A well-lit, front-facing photo from head to knees works best.', next: 'new-photo' },
  TRYON_FAILED: { message: 'The try-on didn’t work this time. Please try again.', next: 'retry' },
  GARMENT_MISSING: { message: 'This product has no image to try on.', next: 'close' },
  GARMENT_UNREADABLE: { message: 'This product’s image can’t be used for a try-on.', next: 'close' },
  GARMENT_FETCH_FAILED: { message: 'We couldn’t load this product’s image. Please try again.', next: 'retry' },
  GARMENT_HOST_NOT_ALLOWED: { message: 'Try-on isn’t set up for this product’s images yet.', next: 'close' },
  INVALID_CATEGORY: { message: 'Try-on isn’t available for this kind of product.', next: 'close' },
  BAD_REQUEST: { message: 'Something went wrong on our side. Please try again.', next: 'retry' },
  TOKEN_MISSING: { message: 'Your try-on session has ended. Please try again.', next: 'retry' },
  TOKEN_INVALID: { message: 'Your try-on session has ended. Please try again.', next: 'retry' },
  TOKEN_EXPIRED: { message: 'Your try-on session has ended. Please try again.', next: 'retry' },
  ORIGIN_NOT_ALLOWED: { message: 'Try-on isn’t enabled on this site yet.', next: 'close' },
  ORIGIN_MISMATCH: { message: 'Try-on isn’t enabled on this site yet.', next: 'close' },
  JOB_NOT_FOUND: { message: 'This try-on has expired. Please start again.', next: 'retry' },
  RESULT_NOT_FOUND: { message: 'This try-on image has expired. Please start again.', next: 'retry' },
  NOT_FOUND: { message: 'Something went wrong on our side. Please try again.', next: 'retry' },
  IDEMPOTENCY_CONFLICT: { message: 'Something went wrong on our side. Please try again.', next: 'retry' },
  RATE_LIMITED: { message: 'Lots of people are trying things on right now. Please wait a moment and try again.', next: 'retry' },
  PROVIDER_ERROR: { message: 'The try-on service had a problem. Please try again.', next: 'retry' },
  DAILY_LIMIT_REACHED: { message: 'Try-on has reached its limit for today on this shop. Please come back tomorrow.', next: 'close' },
  TEMPORARILY_UNAVAILABLE: { message: 'Try-on is briefly unavailable. Please try again in a moment.', next: 'retry' },
  PROVIDER_UNAVAILABLE: { message: 'Try-on is unavailable right now. Please try again later.', next: 'close' },
  INTERNAL: { message: 'Something went wrong on our side. Please try again.', next: 'retry' },
  NETWORK: { message: 'You seem to be offline, or the try-on service can’t be reached. Check your connection and try again.', next: 'retry' },
};

export const TEXT = {
  title: 'Try it on',
  close: 'Close',
  consentIntro: 'See this item on you. Your photo is sent to this shop’s try-on service only to make your image.',
  consentRetention: (time: string) => `Your photo and the result are deleted after ${time}, or as soon as you close this window.`,
  consentCheckbox: 'I agree that my photo is processed to create this try-on.',
  privacyLink: 'Privacy notice',
  continue: 'Continue',
  photoHeading: 'Add a photo of yourself',
  photoTips: 'Stand facing the camera in good light, from head to at least your knees.',
  choosePhoto: 'Choose a photo',
  dropHint: 'or drag it here, or paste it',
  dropActive: 'Drop your photo here',
  preparing: 'Preparing your photo…',
  uploading: (percent: number) => `Uploading your photo… ${percent}%`,
  queued: 'Waiting for the try-on service…',
  generating: (percent?: number) => (percent == null ? 'Creating your try-on…' : `Creating your try-on… ${percent}%`),
  loadingResult: 'Almost done…',
  done: 'Your try-on is ready.',
  cancel: 'Cancel',
  canceled: 'Try-on canceled.',
  compareLabel: 'Compare your photo with the try-on',
  compareValue: (percent: number) => `${percent}% of the try-on shown`,
  before: 'Your photo',
  after: (product: string) => `You wearing ${product}`,
  thisItem: 'this item',
  previewBadge: 'Preview — sandbox image, not a real try-on',
  addToCart: 'Add to cart',
  addedToCart: 'Added to your cart.',
  download: 'Download',
  anotherPhoto: 'Try another photo',
  retry: 'Try again',
  errorHeading: 'That didn’t work',
} as const;

/** "1 hour", "30 minutes": the retention as a person says it. */
export function formatDuration(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (seconds >= 86_400) return unit(Math.round(seconds / 86_400), 'day');
  if (seconds >= 3_600) return unit(Math.round(seconds / 3_600), 'hour');
  return unit(Math.max(1, Math.round(seconds / 60)), 'minute');
}
