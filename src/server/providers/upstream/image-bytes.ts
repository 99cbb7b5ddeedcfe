/** Image bytes as adapters hand them over and receive them: sniffed types, base64 both ways, Blobs for uploads. */
import { sniffImageFormat, type ImageFormat } from '../../../photo/sniff.js';
import { ProviderError } from '../types.js';
import { failure } from './failures.js';

export interface ImageBytes {
  bytes: Uint8Array;
  contentType: string;
}

/** Result images larger than this are refused (no try-on image is anywhere near it). */
export const MAX_RESULT_BYTES = 25 * 1024 * 1024;

/** The formats a provider result may come in; HEIC and AVIF, which the sniffer also knows, are not among them. */
const RESULT_CONTENT_TYPES: Partial<Record<ImageFormat, string>> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };

/** The content type of a result image from its first bytes (JPEG, PNG, WebP, GIF), else undefined. */
export function resultContentType(bytes: Uint8Array): string | undefined {
  const format = sniffImageFormat(bytes.subarray(0, 32));
  return format && RESULT_CONTENT_TYPES[format];
}

/** Decodes a base64 image (plain or a `data:` URL) and checks that it is one. */
export function imageFromBase64(value: string, label: string): ImageBytes {
  const base64 = value.replace(/^data:[^,]*,/, '').replace(/\s+/g, '');
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  } catch {
    bytes = new Uint8Array(0);
  }
  const contentType = resultContentType(bytes);
  if (!contentType) throw new ProviderError(failure('PROVIDER_ERROR', true, { providerCode: 'RESULT_NOT_IMAGE', detail: `${label}: the base64 result is not an image` }));
  return { bytes, contentType };
}

/** The bytes of a prepared image as base64 (no `data:` prefix). */
export function toBase64(bytes: Uint8Array): string {
  // btoa, not Buffer: the same adapters run on edge runtimes. Chunks keep the argument list short.
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A Blob of the bytes (copied, so the Blob owns a plain ArrayBuffer). */
export const toBlob = (bytes: Uint8Array, type: string): Blob => new Blob([new Uint8Array(bytes)], { type });

export const extensionOf = (contentType: string): string => ({ 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' })[contentType] ?? 'bin';
