import { createPrivateKey, randomUUID, sign, X509Certificate as NodeCertificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { X509Certificate } from '@peculiar/x509';
import { JPEG, PNG } from '@trustnxt/c2pa-ts/asset';
import { CoseAlgorithmIdentifier } from '@trustnxt/c2pa-ts/cose';
import { ActionAssertion, DataHashAssertion, ManifestStore, Signature } from '@trustnxt/c2pa-ts/manifest';
import { ConfigError } from '../config-values.js';
import type { MarkedImage } from './index.js';
import { DIGITAL_SOURCE_TYPE } from './xmp.js';

/** Signs a result with a C2PA manifest naming the provider; JPEG and PNG (c2pa-ts writes no WebP). */
export type C2paSigner = (image: MarkedImage, provider: string) => Promise<MarkedImage>;

const CURVES: Record<string, { algorithm: CoseAlgorithmIdentifier; hash: string }> = {
  prime256v1: { algorithm: CoseAlgorithmIdentifier.ES256, hash: 'sha256' },
  secp384r1: { algorithm: CoseAlgorithmIdentifier.ES384, hash: 'sha384' },
  secp521r1: { algorithm: CoseAlgorithmIdentifier.ES512, hash: 'sha512' },
};

/** Bytes kept free for the COSE signature: ES512's 132-byte signature and its framing, with room to spare. */
const SIGNATURE_RESERVE = 1024;

/** A PEM given as the value itself or as the path of a file holding it. */
function pem(value: string, name: string): string {
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n');
  try {
    return readFileSync(value, 'utf8');
  } catch {
    throw new ConfigError(`${name}: neither a PEM value nor a readable file ("${value.slice(0, 80)}").`);
  }
}

/**
 * The C2PA signer (`@trustnxt/c2pa-ts`, pure TypeScript) for the merchant's certificate chain
 * and EC private key. The library's own ECDSA signer writes DER signatures, which C2PA readers
 * refuse; COSE wants r|s, which Node's `crypto.sign` gives with `dsaEncoding: 'ieee-p1363'`.
 * Each manifest holds one `c2pa.actions` assertion (created, with IPTC's digital source type
 * for an AI-altered photo, by "Fitting Room" via the provider) and the hard binding (a data
 * hash of the whole file), so any changed byte fails validation.
 */
export function createC2paSigner(certificate: string, privateKey: string): C2paSigner {
  const chain = pem(certificate, 'FITTING_ROOM_C2PA_CERT').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!chain.length) throw new ConfigError('FITTING_ROOM_C2PA_CERT holds no PEM certificate.');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem(privateKey, 'FITTING_ROOM_C2PA_KEY'));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('FITTING_ROOM_C2PA_KEY is not a readable PEM private key.');
  }
  const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (!curve) throw new ConfigError('FITTING_ROOM_C2PA_KEY must be an EC key on P-256, P-384 or P-521 (ES256/384/512), as C2PA signing certificates are.');
  // A key that is not the certificate's would sign manifests every reader rejects: refuse it at start.
  if (!new NodeCertificate(chain[0]!).checkPrivateKey(key))
    throw new ConfigError('FITTING_ROOM_C2PA_KEY is not the private key of the first certificate in FITTING_ROOM_C2PA_CERT.');
  const [leaf, ...intermediates] = chain.map((text) => new X509Certificate(text));
  const signer = {
    algorithm: curve.algorithm,
    certificate: leaf!,
    chainCertificates: intermediates,
    sign: async (payload: Uint8Array) => new Uint8Array(sign(curve.hash, payload, { key, dsaEncoding: 'ieee-p1363' })),
  };

  return async (image, provider) => {
    const asset = image.contentType === 'image/png' ? new PNG(image.bytes) : new JPEG(image.bytes);
    const store = new ManifestStore();
    const manifest = store.createManifest({ assetFormat: image.contentType, instanceID: `xmp:iid:${randomUUID()}`, defaultHashAlgorithm: 'SHA-256', signer });
    // The library reserves 25 KB for the signature by default (room for a timestamp token); an ECDSA
    // signature without one needs a few hundred bytes, and every result would carry the rest as padding.
    manifest.signature = Signature.create(signer, SIGNATURE_RESERVE);
    const actions = new ActionAssertion();
    actions.actions = [
      {
        action: 'c2pa.created' as ActionAssertion['actions'][number]['action'],
        digitalSourceType: DIGITAL_SOURCE_TYPE as ActionAssertion['actions'][number]['digitalSourceType'],
        softwareAgent: { name: `Fitting Room (virtual try-on by ${provider})` },
      },
    ];
    manifest.addAssertion(actions);
    const hash = DataHashAssertion.create('SHA-256');
    manifest.addAssertion(hash);
    await asset.ensureManifestSpace(store.measureSize());
    await hash.updateWithAsset(asset);
    await manifest.sign(signer);
    await asset.writeManifestJUMBF(store.getBytes());
    return { bytes: await asset.getDataRange(), contentType: image.contentType };
  };
}
