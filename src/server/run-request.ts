import type { JobInput, RunRecord } from './job-records.js';
import type { PreparedImage, TryOnRequest } from './providers/types.js';
import type { BlobStore } from './store.js';

/** The image a run puts the garments on: a shopper's photo, a model's, or a look's previous step; `storeKey` is where the store keeps it. */
export interface RunPerson {
  bytes: Uint8Array;
  contentType: string;
  storeKey: string;
}

/**
 * The provider request of a new run, made once and kept by the instance driving the run, so
 * a failover resends the same images to the next provider. Garments are stored (and linked)
 * only where providers fetch by URL; otherwise the bytes go along with the request.
 */
export async function buildRequest(
  { store, publicUrl }: { store: BlobStore; publicUrl?: (storeKey: string, expiresAt: number) => string },
  input: JobInput,
  person: RunPerson,
  run: RunRecord,
): Promise<TryOnRequest> {
  const garments = await Promise.all(
    input.garments.map(async (garment, index) => {
      const key = run.garmentKeys[index]!;
      if (publicUrl) await store.put(key, garment, run.expiresAt);
      return { ...garment, publicUrl: publicUrl?.(key, run.expiresAt) };
    }),
  );
  return {
    person: { bytes: person.bytes, contentType: person.contentType as PreparedImage['contentType'], publicUrl: publicUrl?.(person.storeKey, run.expiresAt) },
    garments,
    category: input.category,
    ...(input.categories && input.garments.length > 1 ? { categories: input.categories } : {}),
    productId: input.productId,
    variantId: input.variantId,
  };
}
