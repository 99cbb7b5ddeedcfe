import { CATEGORIES, type Category } from '../contract.js';
import { sha256Hex } from '../shared/sha256.js';
import { ApiError } from './errors.js';

/** The fields of a `POST /jobs` form, checked (README "The contract"). */
export interface JobFields {
  person?: File;
  personRef?: string;
  /** A model of the merchant's gallery, instead of a photo. */
  modelId?: string;
  /** Image URLs or files, in the order sent. */
  garments: (string | File)[];
  /** The first garment's category. */
  category: Category;
  /** One per garment, in order. */
  categories: Category[];
  productId?: string;
  variantId?: string;
}

/** What Hono's `parseBody({ all: true })` gives for a multipart form. */
export type ParsedForm = Record<string, string | File | (string | File)[]>;

const MAX_ID_LENGTH = 200;

/** Checks a parsed `POST /jobs` form field by field; the first problem is thrown as the contract's error. */
export function readJobFields(form: ParsedForm, maxGarments: number): JobFields {
  const all = (name: string) => ([] as (string | File)[]).concat(form[name] ?? []);
  const one = (name: string) => {
    const values = all(name);
    if (values.length > 1) throw new ApiError('BAD_REQUEST', `"${name}" may be given once.`);
    return values[0];
  };
  const text = (name: string) => {
    const value = one(name);
    if (value instanceof File) throw new ApiError('BAD_REQUEST', `"${name}" must be text.`);
    if (value != null && value.length > MAX_ID_LENGTH) throw new ApiError('BAD_REQUEST', `"${name}" is too long.`);
    return value || undefined;
  };

  const person = one('person');
  const personRef = text('personRef');
  const modelId = text('modelId');
  if (person != null && !(person instanceof File)) throw new ApiError('BAD_REQUEST', '"person" must be an image file.');
  const sources = [person, personRef, modelId].filter((source) => source != null && source !== '').length;
  if (!sources) throw new ApiError('PERSON_MISSING', 'Send a photo as "person", a stored one as "personRef", or a model as "modelId".');
  if (sources > 1) throw new ApiError('BAD_REQUEST', 'Send one of "person", "personRef" or "modelId", not several.');

  const garments = all('garment').filter((garment) => garment !== '');
  if (!garments.length) throw new ApiError('GARMENT_MISSING', 'Send the garment as an image URL or file in "garment".');
  if (garments.length > maxGarments) throw new ApiError('BAD_REQUEST', `A job takes at most ${maxGarments} garment${maxGarments === 1 ? '' : 's'}.`);

  const categories = all('category').map((category) => {
    if (category instanceof File || !(CATEGORIES as readonly string[]).includes(category))
      throw new ApiError('INVALID_CATEGORY', `"category" must be one of ${CATEGORIES.join(', ')}.`);
    return category as Category;
  });
  // Old clients send one category (or none) for all their garments; a look sends one per garment, in order.
  if (categories.length > 1 && categories.length !== garments.length) throw new ApiError('BAD_REQUEST', 'Send one "category" per "garment", in the same order.');
  const perGarment = categories.length > 1 ? categories : garments.map(() => categories[0] ?? 'top');

  return {
    person: person as File | undefined,
    personRef,
    modelId,
    garments,
    category: perGarment[0]!,
    categories: perGarment,
    productId: text('productId'),
    variantId: text('variantId'),
  };
}

/**
 * Identifies a request's content, so a reused Idempotency-Key with other content is caught.
 * Stored with the key in the shared state: every instance must compute it the same way.
 */
export async function fingerprintOf(fields: JobFields): Promise<string> {
  const parts: (string | ArrayBuffer)[] = [fields.categories.join(','), fields.productId ?? '', fields.variantId ?? '', fields.personRef ?? '', fields.modelId ?? ''];
  if (fields.person) parts.push(await fields.person.arrayBuffer());
  for (const garment of fields.garments) parts.push(typeof garment === 'string' ? garment : await garment.arrayBuffer());
  return sha256Hex(await new Blob(parts.flatMap((part) => [part, '\u0000'])).arrayBuffer());
}
