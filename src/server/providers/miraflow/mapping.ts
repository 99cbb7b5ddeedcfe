/**
 * Miraflow ↔ our types, as pure functions, following Miraflow’s API document.
 *
 * Miraflow is a general image API, not a try-on service: the try-on is an image-to-image
 * edit of the person photo with the garment photo as a second reference and a prompt made
 * from our category. The document gives the edit job's fields but not its path, and gives
 * the completed shape of `GET /api/image/{jobId}` but not the in-progress or failed one;
 * those guesses live in `EDIT_PATH` and `readImageJob` (see ARCHITECTURE-providers.md).
 */
import type { Category } from '../../../contract.js';
import type { PreparedImage, ProviderFailure } from '../types.js';
import { describeAnswer, failure, type HttpAnswer } from '../upstream/failures.js';
import { extensionOf } from '../upstream/image-bytes.js';
import { clip, isObject, normalizeProgress, str, type JsonObject } from '../upstream/json.js';
import type { JobState } from '../upstream/watch.js';

/**
 * GUESS (path): the document describes "Starts a new image-to-image editing job" without its
 * path; `/api/image/edit` sits beside the documented `/api/image/{jobId}` and is the path
 * Miraflow's published examples use.
 */
export const EDIT_PATH = '/api/image/edit';

/** What the garment is, in the words the prompt uses. */
const GARMENT_WORDS: Readonly<Record<Category, string>> = {
  top: 'the top (shirt, T-shirt, blouse or sweater)',
  bottom: 'the bottoms (trousers, jeans, shorts or skirt)',
  dress: 'the dress',
  outerwear: 'the jacket or coat, worn over their clothes',
  full: 'the complete outfit',
  shoes: 'the pair of shoes',
  bag: 'the bag, carried naturally',
  accessory: 'the accessory, worn where it belongs',
};

/** The try-on instruction for an image-to-image edit: image 1 is the person, image 2 the product. */
export function tryOnPrompt(category: Category): string {
  const garment = GARMENT_WORDS[category];
  return [
    `Virtual try-on. Image 1 is a photo of a person; image 2 is a product photo of ${garment}.`,
    `Edit image 1 so the person is wearing ${garment} from image 2, replacing only the matching item they wear now.`,
    'Keep the person’s face, hair, skin tone, body shape, pose, framing, background and lighting exactly as in image 1.',
    'Reproduce the product’s colour, pattern, fabric and details faithfully, with a natural fit and realistic folds. Photorealistic.',
  ].join(' ');
}

export const NEGATIVE_PROMPT = 'different person, changed face, distorted body, extra limbs, extra fingers, blurry, low quality, text, watermark';

/** Body of `POST /api/media/initialize`. */
export const initializeBody = (image: PreparedImage, name: string) => ({
  fileName: `${name}.${extensionOf(image.contentType)}`,
  contentType: image.contentType,
  fileSize: image.bytes.byteLength,
});

export function readInitialize(body: JsonObject): { mediaId: string; uploadUrl: string } | undefined {
  const mediaId = str(body.mediaId);
  const uploadUrl = str(body.uploadUrl);
  return mediaId && uploadUrl ? { mediaId, uploadUrl } : undefined;
}

/**
 * Body of the edit job. The document marks `referenceImageMediaId` required and says a
 * single image or multiple images may be given: we send the person there, and both images,
 * person first, in `referenceImageMediaIds` (the multi-image field of Miraflow's examples).
 */
export function editBody(personMediaId: string, garmentMediaId: string, category: Category) {
  return {
    referenceImageMediaId: personMediaId,
    referenceImageMediaIds: [personMediaId, garmentMediaId],
    prompt: tryOnPrompt(category),
    name: `Fitting Room try-on (${category})`,
    aspectRatio: '3:4',
    negativePrompt: NEGATIVE_PROMPT,
  };
}

/** `{result: "success", jobId}`; a `{result: "failure", error}` is a failure. */
export function readJobStart(body: JsonObject): { jobId: string } | { error: ProviderFailure } | undefined {
  if (str(body.result)?.toLowerCase() === 'failure') return { error: failureAnswer(str(body.error)) };
  const jobId = str(body.jobId);
  return jobId ? { jobId } : undefined;
}

/**
 * GUESS (job states): a completed job carries `downloadUrl` (documented). In progress, like
 * Miraflow's other job endpoints: `{result: "success", status: "waiting" | "started",
 * progress}` (progress 0..100 or "45%"); failed: `status: "failed"` with `reason` (as the
 * mockup jobs) or `{result: "failure", error}`. Unknown statuses count as running.
 */
export function readImageJob(body: JsonObject): JobState<string> | undefined {
  const downloadUrl = str(body.downloadUrl);
  if (downloadUrl) return { status: 'succeeded', result: downloadUrl };
  const status = str(body.status)?.toLowerCase();
  const failedResult = str(body.result)?.toLowerCase() === 'failure';
  if (failedResult || (status && /fail|error|cancel/.test(status))) {
    const reason = str(body.reason) ?? str(body.error) ?? str(body.message);
    return {
      status: 'failed',
      error: failure('TRYON_FAILED', true, {
        providerCode: status ? `JOB_${status.toUpperCase()}` : 'JOB_FAILED',
        detail: `Miraflow job failed${reason ? `: ${clip(reason)}` : ''}`,
      }),
    };
  }
  if (!status) return str(body.id) ? { status: 'running' } : undefined;
  const progress = normalizeProgress(body.progress);
  const phase = /wait|queue|pending|inference_started/.test(status) ? 'queued' : 'running';
  return progress == null || phase === 'queued' ? { status: phase } : { status: phase, progress };
}

/** `error`, `message` or `reason` of an error body. */
export function providerMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  return str(body.error) ?? str(body.message) ?? str(body.reason);
}

const CREDIT_WORDS = /credit|balance|quota|insufficient|payment/i;

/** A `{result: "failure"}` answered with a 2xx. */
function failureAnswer(error: string | undefined): ProviderFailure {
  if (error && CREDIT_WORDS.test(error)) return failure('PROVIDER_UNAVAILABLE', false, { providerCode: 'FAILURE', creditsExhausted: true, detail: `Miraflow: ${clip(error)}` });
  return failure('PROVIDER_ERROR', false, { providerCode: 'FAILURE', detail: `Miraflow refused the job${error ? `: ${clip(error)}` : ''}` });
}

/** Error answers: the document lists no statuses; 402 or credit words mean credits, the rest is generic. */
export function mapError(answer: HttpAnswer): ProviderFailure | undefined {
  const message = providerMessage(answer.body);
  if (answer.status >= 400 && answer.status < 500 && answer.status !== 429 && message && CREDIT_WORDS.test(message)) {
    return failure('PROVIDER_UNAVAILABLE', false, { providerCode: `HTTP_${answer.status}`, creditsExhausted: true, detail: describeAnswer(answer, message) });
  }
  return undefined;
}
