import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import init, { WasmReader } from '@contentauth/c2pa-wasm';

/**
 * A throwaway C2PA signing chain made by openssl in a temporary directory, as the C2PA
 * conformance rules want it: ES256 (P-256), a CA, and a leaf with key usage digitalSignature
 * and extended key usage emailProtection. Nothing is written into the repository.
 */
export function makeTestCertificate(): { dir: string; certPath: string; keyPem: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'fitting-room-c2pa-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(
    join(dir, 'leaf.cnf'),
    '[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
  );
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key');
  run(
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=Fitting Room Test CA/O=Test',
    '-days',
    '2',
    '-out',
    'ca.pem',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'leaf.key');
  run('req', '-new', '-key', 'leaf.key', '-subj', '/CN=Fitting Room Test Signer/O=Test', '-out', 'leaf.csr');
  run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'leaf.cnf', '-extensions', 'leaf', '-out', 'leaf.pem');
  // The chain file the operator gives: the signing certificate first, then its issuer.
  writeFileSync(join(dir, 'chain.pem'), readFileSync(join(dir, 'leaf.pem'), 'utf8') + readFileSync(join(dir, 'ca.pem'), 'utf8'));
  return { dir, certPath: join(dir, 'chain.pem'), keyPem: readFileSync(join(dir, 'leaf.key'), 'utf8'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let ready: Promise<unknown> | undefined;

export interface C2paReading {
  /** Validation status codes other than success, e.g. `signingCredential.untrusted`. */
  problems: { code: string; explanation?: string }[];
  manifest: { assertions: { label: string; data: { actions?: { action: string; digitalSourceType?: string; softwareAgent?: { name: string } }[] } }[] };
}

/** Reads and validates an image's C2PA manifest store with the C2PA project's own reader (c2pa-rs as WASM). */
export async function readC2pa(bytes: Uint8Array, contentType: string): Promise<C2paReading> {
  const wasm = createRequire(import.meta.url).resolve('@contentauth/c2pa-wasm/c2pa.wasm');
  ready ??= init({ module_or_path: readFileSync(wasm) });
  await ready;
  const reader = await WasmReader.fromBytes(contentType, bytes);
  const store = JSON.parse(reader.json()) as { validation_status?: C2paReading['problems'] };
  return { problems: store.validation_status ?? [], manifest: reader.activeManifest() };
}
