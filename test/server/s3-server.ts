import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readConfig, type S3Settings } from '../../src/server/config.js';
import { S3Store, type S3StoreOptions } from '../../src/server/store-s3.js';

/** s3rver knows one account; it checks the access key id but does not verify SigV4 signatures. */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The `S3_*` variables that point a proxy at this bucket. */
  env: Record<string, string>;
  settings(prefix?: string): S3Settings;
  store(prefix?: string, options?: S3StoreOptions): S3Store;
  /** Every object key in the bucket, whatever its prefix: what is really stored. */
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * s3rver (npm, a devDependency) on a random loopback port, storing in a temporary directory
 * that is removed on close: a real S3 HTTP API (SigV4-signed requests, ListObjectsV2 with
 * continuation tokens, x-amz-meta-* metadata) with no account and no network. It runs in a
 * child process (see s3rver-process.mjs for why) that ends with the test process.
 */
export async function startS3(bucket = 'fitting-room-test'): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'fitting-room-s3-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', join(import.meta.dirname, 's3rver-process.mjs'), directory, bucket], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { S3_BUCKET: bucket, S3_ENDPOINT: endpoint, S3_ACCESS_KEY_ID: ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY };
  const settings = (prefix = 'fitting-room/') =>
    readConfig({ FITTING_ROOM_SECRET: 'x'.repeat(32), FITTING_ROOM_ALLOWED_ORIGINS: 'https://shop.example', ...env, S3_PREFIX: prefix }).s3!;
  const root = new S3Store(settings(''));
  return {
    endpoint,
    bucket,
    env,
    settings,
    store: (prefix, options) => new S3Store(settings(prefix), options),
    keys: () => root.listObjects(),
    async close() {
      child.stdin!.end();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
