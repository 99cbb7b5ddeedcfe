/** Why a photo cannot be used, found on the device before any upload. */
export type PhotoErrorCode = 'EMPTY_IMAGE' | 'UNSUPPORTED_IMAGE_TYPE' | 'IMAGE_UNREADABLE' | 'IMAGE_TOO_LARGE' | 'HEIC_UNSUPPORTED';

export class PhotoError extends Error {
  constructor(readonly code: PhotoErrorCode) {
    super(code);
    this.name = 'PhotoError';
  }
}
