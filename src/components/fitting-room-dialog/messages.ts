import type { ErrorCode } from '../../contract.js';
import type { PhotoErrorCode } from '../../photo/photo-error.js';

/** What the shopper can do next after an error; each maps to one obvious button. */
export type NextStep = 'retry' | 'new-photo' | 'close';

/**
 * Every shopper-facing string, in English. `{name}` marks a value filled in at run time.
 * The other languages are lazy chunks (locales/*.ts) with the same keys; a merchant can
 * override any key through the `strings` property or attribute of `<fitting-room>`.
 */
export const EN = {
  title: 'Try it on',
  close: 'Close',
  consentIntro: 'See this item on you. An AI system will create an altered image of you from your photo. Your photo is sent to this shop’s try-on service only to make that image.',
  consentRetention: 'Your photo and the result are deleted after {time}, or as soon as you close this window.',
  consentCheckbox: 'I agree that an AI system processes my photo to create this try-on.',
  privacyLink: 'Privacy notice',
  continue: 'Continue',
  photoHeading: 'Add a photo of yourself',
  photoTips: 'Stand facing the camera in good light, from head to at least your knees.',
  useCamera: 'Take a photo',
  choosePhoto: 'Choose a photo',
  dropHint: 'or drag it here, or paste it',
  dropActive: 'Drop your photo here',
  remember: 'Remember my photo on this device',
  rememberHint: 'Kept only in this browser, for a one-tap try-on on other products. Delete it at any time.',
  savedHeading: 'Your saved photo',
  useSaved: 'Try on with this photo',
  deletePhoto: 'Delete my photo',
  deleted: 'Your photo was deleted from this device and from the try-on service.',
  retentionNote: 'The try-on service deletes photos after {time}.',
  cameraDenied: 'Camera access is blocked, so you can choose a photo instead. To use the camera, allow it in your browser’s settings.',
  cameraMissing: 'No camera is available here, so you can choose a photo instead.',
  cameraStarting: 'Starting the camera…',
  cameraGuide: 'Step back until your whole body fits the outline.',
  capture: 'Take photo',
  switchCamera: 'Switch camera',
  timer: '3 s timer',
  back: 'Back',
  countdown: 'Taking the photo in {seconds}…',
  reviewHeading: 'Check your photo',
  reviewBlocked: 'This photo can’t be used for a try-on.',
  useAnyway: 'Use this photo anyway',
  chooseAnother: 'Choose another photo',
  check_small: 'The photo is too small. Use one at least 512 pixels across — a camera photo works best.',
  check_dark: 'It looks too dark. Turn on a light or face a window.',
  check_bright: 'It looks overexposed. Step out of direct light or away from the window.',
  check_blurry: 'It looks blurry. Hold still, or use the 3-second timer.',
  check_landscape: 'It’s a landscape photo, so only the middle is used. A portrait photo from head to knees works best.',
  preparing: 'Preparing your photo…',
  uploading: 'Uploading your photo… {percent}%',
  queued: 'Waiting for the try-on service…',
  generating: 'Creating your try-on… {percent}%',
  generatingEstimate: 'Creating your try-on… This usually takes 10–30 seconds.',
  done: 'Your try-on is ready.',
  cancel: 'Cancel',
  compareLabel: 'Compare your photo with the try-on',
  compareValue: '{percent}% of the try-on shown',
  before: 'Your photo',
  after: 'You wearing {product}',
  thisItem: 'this item',
  previewBadge: 'Preview — sandbox image, not a real try-on',
  aiLabel: 'AI-generated',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  addToCart: 'Add to cart',
  addToLook: 'Add to my look',
  download: 'Download',
  share: 'Share',
  shareTitle: 'My try-on',
  anotherPhoto: 'Try another photo',
  variantsLabel: 'Try another option',
  retry: 'Try again',
  errorHeading: 'That didn’t work',
  err_empty: 'That file is empty. Please choose a photo.',
  err_type: 'That file isn’t a photo we can use. Please choose a JPEG, PNG, HEIC or WebP image.',
  err_unreadable: 'We couldn’t read that photo. It may be damaged — please try another one.',
  err_heic: 'This browser can’t open HEIC photos. Choose the photo from your Photos app (it converts it), or save it as JPEG first.',
  err_large: 'That photo is too large. Please choose one under 10 MB.',
  err_pixels: 'That image has too many pixels (over 50 megapixels). Please choose a regular photo.',
  err_missing: 'Please choose a photo of yourself first.',
  err_expiredPhoto: 'Your earlier photo has expired. Please choose it again.',
  err_model: 'This model is no longer available. Please choose another model or use your own photo.',
  err_rejected: 'The try-on couldn’t find a person in that photo. A well-lit, front-facing photo from head to knees works best.',
  err_failed: 'The try-on didn’t work this time. Please try again.',
  err_noGarment: 'This product has no image to try on.',
  err_garment: 'This product’s image can’t be used for a try-on.',
  err_garmentFetch: 'We couldn’t load this product’s image. Please try again.',
  err_notSetUp: 'Try-on isn’t set up for this product yet.',
  err_category: 'Try-on isn’t available for this kind of product.',
  err_session: 'Your try-on session has ended. Please try again.',
  err_site: 'Try-on isn’t enabled on this site yet.',
  err_expired: 'This try-on has expired. Please start again.',
  err_busy: 'Lots of people are trying things on right now. Please wait a moment and try again.',
  err_daily: 'Try-on has reached its limit for today on this shop. Please come back tomorrow.',
  err_sessionLimit: 'You’ve used all your try-ons for this visit today. Please come back tomorrow.',
  err_browserLimit: 'You’ve used all your try-ons on this device today. Please come back tomorrow.',
  err_categoryLimit: 'Try-on for this kind of item has reached today’s limit. Other items may still work.',
  err_brief: 'Try-on is briefly unavailable. Please try again in a moment.',
  err_provider: 'The try-on service had a problem. Please try again.',
  err_unavailable: 'Try-on is unavailable right now. Please try again later.',
  err_internal: 'Something went wrong on our side. Please try again.',
  err_network: 'You seem to be offline, or the try-on service can’t be reached. Check your connection and try again.',
};

export type StringKey = keyof typeof EN;
export type Strings = Record<StringKey, string>;
export type FailureCode = ErrorCode | PhotoErrorCode | 'NETWORK';

/** Every code the proxy or the photo preparation can report: its message and the one next step. */
export const ERRORS: Record<FailureCode, [StringKey, NextStep]> = {
  EMPTY_IMAGE: ['err_empty', 'new-photo'],
  UNSUPPORTED_IMAGE_TYPE: ['err_type', 'new-photo'],
  IMAGE_UNREADABLE: ['err_unreadable', 'new-photo'],
  HEIC_UNSUPPORTED: ['err_heic', 'new-photo'],
  IMAGE_TOO_LARGE: ['err_large', 'new-photo'],
  IMAGE_TOO_MANY_PIXELS: ['err_pixels', 'new-photo'],
  PERSON_MISSING: ['err_missing', 'new-photo'],
  PERSON_REF_NOT_FOUND: ['err_expiredPhoto', 'new-photo'],
  MODEL_NOT_FOUND: ['err_model', 'new-photo'],
  TRYON_REJECTED: ['err_rejected', 'new-photo'],
  TRYON_FAILED: ['err_failed', 'retry'],
  GARMENT_MISSING: ['err_noGarment', 'close'],
  GARMENT_UNREADABLE: ['err_garment', 'close'],
  GARMENT_FETCH_FAILED: ['err_garmentFetch', 'retry'],
  GARMENT_HOST_NOT_ALLOWED: ['err_notSetUp', 'close'],
  INVALID_CATEGORY: ['err_category', 'close'],
  BAD_REQUEST: ['err_internal', 'retry'],
  TOKEN_MISSING: ['err_session', 'retry'],
  TOKEN_INVALID: ['err_session', 'retry'],
  TOKEN_EXPIRED: ['err_session', 'retry'],
  ORIGIN_NOT_ALLOWED: ['err_site', 'close'],
  ORIGIN_MISMATCH: ['err_site', 'close'],
  JOB_NOT_FOUND: ['err_expired', 'retry'],
  RESULT_NOT_FOUND: ['err_expired', 'retry'],
  NOT_FOUND: ['err_internal', 'retry'],
  IDEMPOTENCY_CONFLICT: ['err_internal', 'retry'],
  RATE_LIMITED: ['err_busy', 'retry'],
  DAILY_LIMIT_REACHED: ['err_daily', 'close'],
  SESSION_LIMIT_REACHED: ['err_sessionLimit', 'close'],
  BROWSER_LIMIT_REACHED: ['err_browserLimit', 'close'],
  CATEGORY_LIMIT_REACHED: ['err_categoryLimit', 'close'],
  TEMPORARILY_UNAVAILABLE: ['err_brief', 'retry'],
  PROVIDER_ERROR: ['err_provider', 'retry'],
  PROVIDER_UNAVAILABLE: ['err_unavailable', 'close'],
  INTERNAL: ['err_internal', 'retry'],
  NETWORK: ['err_network', 'retry'],
};

/** Fills `{name}` placeholders. */
export const format = (text: string, values: Record<string, string | number> = {}) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));

/** "1 hour", "30 Minuten", "1時間": the retention as a person says it, in their language. */
export function formatDuration(seconds: number, locale = 'en'): string {
  const [value, unit] = seconds >= 86_400 ? [seconds / 86_400, 'day'] : seconds >= 3_600 ? [seconds / 3_600, 'hour'] : [Math.max(60, seconds) / 60, 'minute'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(Math.round(value));
}
