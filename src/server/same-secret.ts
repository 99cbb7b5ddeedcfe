/**
 * Whether `given` is the secret `expected` (an admin or metrics token), in constant time: both
 * are hashed to 32-byte SHA-256 digests and every byte is compared without an early exit, so
 * neither a length nor a first differing character shows in the timing.
 */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}
