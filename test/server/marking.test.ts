import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobCreated, JobView } from '../../src/contract.js';
import { createC2paSigner } from '../../src/server/marking/c2pa.js';
import { providerMarks } from '../../src/server/marking/provider-marks.js';
import { DIGITAL_SOURCE_TYPE, embedXmp, xmpPacket } from '../../src/server/marking/xmp.js';
import { readConfig, secretsOf } from '../../src/server/config.js';
import { cleanImage } from '../../src/server/images.js';
import { markBox, visibleMark } from '../../src/server/marking/visible-mark.js';
import { createSandbox } from '../../src/server/providers/sandbox/index.js';
import type { ProviderAdapter } from '../../src/server/providers/types.js';
import { EMULATED_PROVIDERS, startEmulator, type Emulator } from '../emulators/harness.js';
import { makeTestCertificate, readC2pa } from './c2pa-reader.js';
import { ContractClient, phoneJpeg, startProxy, type TestProxy } from './harness.js';

/**
 * Every result the proxy serves says it is AI-generated (AI Act Art. 50(2)): XMP with IPTC's
 * digital source type, read back here by an independent reader (exifr); a visible corner mark
 * in the pixels; and, with a certificate, a C2PA manifest validated by the C2PA project's own
 * reader. What a provider's file already said about itself is logged and counted.
 */

interface Served {
  bytes: Uint8Array;
  contentType: string;
  job: JobView;
  token: string;
}

async function tryOn(proxy: TestProxy, person?: Uint8Array<ArrayBuffer>): Promise<Served> {
  const client = await ContractClient.open(proxy);
  const response = await client.createJob(person ? { person: new Blob([person], { type: 'image/jpeg' }) } : {});
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as JobCreated;
  const job = (await client.events(id)).at(-1)!.view;
  expect(job.status).toBe('succeeded');
  const result = await client.call(job.resultUrl!);
  expect(result.status).toBe(200);
  return { bytes: new Uint8Array(await result.arrayBuffer()), contentType: result.headers.get('content-type')!, job, token: client.token };
}

const readXmp = (bytes: Uint8Array) => exifr.parse(bytes, { xmp: true, tiff: true, gps: true, iptc: true }) as Promise<Record<string, unknown> | undefined>;

/** Nothing about the shopper, their phone, their place or their session is in the file. */
function expectNothingPersonal(served: Served, xmp: Record<string, unknown>) {
  const text = Buffer.from(served.bytes).toString('latin1');
  for (const personal of ['PhoneCo', 'Phone 15', served.job.id, served.token]) expect(text.includes(personal)).toBe(false);
  for (const key of ['latitude', 'longitude', 'GPSLatitude', 'Make', 'Model', 'SerialNumber', 'DateTimeOriginal']) expect(xmp).not.toHaveProperty(key);
}

describe('the sandbox, default settings: XMP and the visible mark, no C2PA without a certificate', () => {
  let proxy: TestProxy;
  let unmarked: TestProxy;
  beforeAll(async () => {
    proxy = await startProxy({ FITTING_ROOM_SHOP_NAME: 'Maison Ø & Co' });
    unmarked = await startProxy({ FITTING_ROOM_SHOP_NAME: 'Maison Ø & Co', FITTING_ROOM_VISIBLE_MARK: 'off' });
  });
  afterAll(async () => {
    await proxy?.close();
    await unmarked?.close();
  });

  it('the served file carries the IPTC digital source type and names the shop, and nothing personal', async () => {
    const served = await tryOn(proxy);
    const xmp = (await readXmp(served.bytes))!;
    expect(xmp).toMatchObject({ DigitalSourceType: DIGITAL_SOURCE_TYPE, CreatorTool: 'Fitting Room' });
    // exifr hands XML text back undecoded: the shop's "&" arrives escaped, as XML wants it.
    expect(xmp.Credit).toBe('Maison Ø &amp; Co virtual try-on');
    expect(JSON.stringify(xmp.description)).toContain('AI-generated virtual try-on image (Maison Ø &amp; Co)');
    expectNothingPersonal(served, xmp);
    // Only our marks: no C2PA store without a certificate.
    expect(Buffer.from(served.bytes).includes('jumb')).toBe(false);
  });

  it('says what it marks with: /healthz and the start-up log', async () => {
    const health = (await (await fetch(`${proxy.url}/healthz`)).json()) as { marking: unknown };
    expect(health.marking).toEqual({ xmp: true, c2pa: false, visible: true });
    expect(((await (await fetch(`${unmarked.url}/healthz`)).json()) as { marking: unknown }).marking).toEqual({ xmp: true, c2pa: false, visible: false });
    const line = proxy.logs.map((entry) => JSON.parse(entry) as Record<string, unknown>).find((entry) => entry.event === 'result.marking' || entry.msg === 'result.marking');
    expect(line).toMatchObject({ xmp: true, c2pa: false, visible: true });
  });

  it('the corner mark is in the pixels, and only in the corner; FITTING_ROOM_VISIBLE_MARK=off leaves it out', async () => {
    const photo = await phoneJpeg(1200, 900, 4242);
    const [withMark, without] = await Promise.all([tryOn(proxy, photo), tryOn(unmarked, photo)]);
    expect((await readXmp(without.bytes))!.DigitalSourceType).toBe(DIGITAL_SOURCE_TYPE);
    const { width = 0, height = 0 } = await sharp(withMark.bytes).metadata();
    const box = markBox(width, height, 'AI try-on · Maison Ø & Co');
    const difference = async (left: number, top: number) => {
      const region = { left, top, width: box.width, height: box.height };
      const [a, b] = await Promise.all([withMark, without].map((served) => sharp(served.bytes).extract(region).greyscale().raw().toBuffer()));
      return a!.reduce((sum, value, index) => sum + Math.abs(value - b![index]!), 0) / a!.length;
    };
    expect(await difference(box.left, box.top)).toBeGreaterThan(25);
    expect(await difference(0, 0)).toBeLessThan(3);
  });
});

describe('the visible mark reads on light and on dark photos', () => {
  it.each([
    ['white', '#ffffff'],
    ['black', '#000000'],
  ])('on %s: white text on a darker pill', async (_name, background) => {
    const plain = await sharp({ create: { width: 800, height: 600, channels: 3, background } })
      .png()
      .toBuffer();
    const marked = await cleanImage(new Uint8Array(plain), { maxBytes: 1e7, maxPixels: 1e7 }, 'result', { overlay: visibleMark('AI try-on · Shop') });
    const box = markBox(800, 600, 'AI try-on · Shop');
    const pixels = await sharp(marked.bytes).extract({ left: box.left, top: box.top, width: box.width, height: box.height }).greyscale().raw().toBuffer();
    const sorted = [...pixels].sort((a, b) => a - b);
    // The pill's median against its brightest strokes (the letters): a contrast anyone can read.
    const pill = sorted[Math.floor(sorted.length / 2)]!;
    expect(sorted.at(-1)! - pill).toBeGreaterThan(120);
    expect(pill).toBeLessThan(120);
  });
});

describe.each(EMULATED_PROVIDERS)('%s: the served result carries the XMP', (name) => {
  let emulator: Emulator;
  let proxy: TestProxy;
  beforeAll(async () => {
    const started = await startEmulator(name, { jobMs: 200 });
    emulator = started.emulator;
    proxy = await startProxy({ ...started.env, FITTING_ROOM_POLL_MS: '50' });
  });
  afterAll(async () => {
    await proxy?.close();
    await emulator?.close();
  });

  it('read back by exifr, with nothing personal', async () => {
    const served = await tryOn(proxy);
    const xmp = (await readXmp(served.bytes))!;
    expect(xmp.DigitalSourceType).toBe(DIGITAL_SOURCE_TYPE);
    expect(xmp.Credit).toBe('shop.example virtual try-on'); // no FITTING_ROOM_SHOP_NAME: the first allowed origin's host
    expectNothingPersonal(served, xmp);
  });
});

describe('C2PA: with a certificate, every result carries a signed manifest', () => {
  let certificate: ReturnType<typeof makeTestCertificate>;
  let proxy: TestProxy;
  beforeAll(async () => {
    certificate = makeTestCertificate();
    // The certificate chain as a path, the key as a value: both forms are accepted.
    proxy = await startProxy({ FITTING_ROOM_SHOP_NAME: 'Signed Shop', FITTING_ROOM_C2PA_CERT: certificate.certPath, FITTING_ROOM_C2PA_KEY: certificate.keyPem });
  });
  afterAll(async () => {
    await proxy?.close();
    certificate?.cleanup();
  });

  it('validates with the C2PA reader (only the self-made certificate is untrusted), and names the source type, Fitting Room and the provider', async () => {
    const served = await tryOn(proxy);
    // What is stored is the marked file, and what a shopper downloads is that file byte for byte.
    const stored = await Promise.all((await proxy.storedFiles()).filter((file) => file.endsWith('.bin')).map((file) => readFile(join(proxy.dataDir, file))));
    expect(stored.some((bytes) => bytes.equals(served.bytes))).toBe(true);
    const reading = await readC2pa(served.bytes, served.contentType);
    expect(reading.problems.map((problem) => problem.code)).toEqual(['signingCredential.untrusted']);
    const actions = reading.manifest.assertions.find((assertion) => assertion.label.startsWith('c2pa.actions'))!.data.actions!;
    expect(actions).toEqual([{ action: 'c2pa.created', digitalSourceType: DIGITAL_SOURCE_TYPE, softwareAgent: { name: 'Fitting Room (virtual try-on by sandbox)' } }]);
    // The XMP is still there for readers that know no C2PA, and the key never reached the log.
    expect((await readXmp(served.bytes))!.DigitalSourceType).toBe(DIGITAL_SOURCE_TYPE);
    expect(proxy.logs.join('\n')).not.toContain(certificate.keyPem.split('\n')[1]);
    expect(((await (await fetch(`${proxy.url}/healthz`)).json()) as { marking: unknown }).marking).toEqual({ xmp: true, c2pa: true, visible: true });
  });

  it('one changed byte in the pixels fails validation', async () => {
    const served = await tryOn(proxy);
    const changed = served.bytes.slice();
    changed[Math.floor(changed.length * 0.75)]! ^= 0x01;
    const reading = await readC2pa(changed, served.contentType);
    expect(reading.problems.map((problem) => problem.code)).toContain('assertion.dataHash.mismatch');
  });
});

describe("a provider's own marks are recorded, and ours applied", () => {
  let certificate: ReturnType<typeof makeTestCertificate>;
  let proxy: TestProxy;
  beforeAll(async () => {
    certificate = makeTestCertificate();
    const sign = createC2paSigner(certificate.certPath, certificate.keyPem);
    const sandbox = createSandbox({ durationMs: 200 });
    // A provider that marks its own output, as Google's and OpenAI's do: IPTC XMP and a C2PA manifest.
    const ownPacket = xmpPacket('Provider').replace(DIGITAL_SOURCE_TYPE, 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia');
    const marking: ProviderAdapter = {
      name: 'sandbox',
      maxGarments: sandbox.maxGarments,
      submit: (request, signal) => sandbox.submit(request, signal),
      async *watch(upstreamId, signal) {
        for await (const update of sandbox.watch(upstreamId, signal)) {
          if (update.status !== 'succeeded') yield update;
          else yield { ...update, image: await sign({ bytes: embedXmp(update.image.bytes, 'jpeg', ownPacket), contentType: 'image/jpeg' }, 'Provider') };
        }
      },
    };
    proxy = await startProxy({}, { provider: marking });
  });
  afterAll(async () => {
    await proxy?.close();
    certificate?.cleanup();
  });

  it('logs result.provider_marks with the kinds and counts them; the served file has our XMP and not their manifest', async () => {
    const served = await tryOn(proxy);
    const line = proxy.logs.find((entry) => entry.includes('result.provider_marks'));
    expect(JSON.parse(line!)).toMatchObject({ provider: 'sandbox', kinds: ['c2pa', 'iptc'] });
    const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(metrics).toContain('fitting_room_provider_marks_total{kind="c2pa"} 1');
    expect(metrics).toContain('fitting_room_provider_marks_total{kind="iptc"} 1');
    expect((await readXmp(served.bytes))!.DigitalSourceType).toBe(DIGITAL_SOURCE_TYPE);
    expect(Buffer.from(served.bytes).includes('jumb')).toBe(false);
  });
});

describe('the portable XMP writer (edge runtimes, no decode)', () => {
  it.each([
    [
      'jpeg',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 3, background: '#468' } })
          .jpeg()
          .toBuffer(),
    ],
    [
      'png',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 4, background: '#4688' } })
          .png()
          .toBuffer(),
    ],
    [
      'webp (lossy, simple)',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 3, background: '#468' } })
          .webp()
          .toBuffer(),
    ],
    [
      'webp (lossless with alpha, simple)',
      () =>
        sharp({ create: { width: 40, height: 30, channels: 4, background: '#4688' } })
          .webp({ lossless: true })
          .toBuffer(),
    ],
  ] as const)('%s: readers find the XMP and the image still decodes the same', async (name, make) => {
    const original = await make();
    const format = name.split(' ')[0] as 'jpeg' | 'png' | 'webp';
    const marked = embedXmp(new Uint8Array(original), format, xmpPacket('Shop'));
    // exifr reads no WebP; there sharp (libwebp's demuxer) is the independent reader.
    if (format === 'webp') expect((await sharp(Buffer.from(marked)).metadata()).xmpAsString).toContain(DIGITAL_SOURCE_TYPE);
    else expect((await readXmp(marked))!.DigitalSourceType).toBe(DIGITAL_SOURCE_TYPE);
    const [before, after] = await Promise.all([original, Buffer.from(marked)].map((bytes) => sharp(bytes).raw().toBuffer({ resolveWithObject: true })));
    expect(after!.info).toMatchObject({ width: 40, height: 30, channels: before!.info.channels });
    expect(after!.data.equals(before!.data)).toBe(true);
  });
});

describe('settings and what a provider file says', () => {
  const base = { FITTING_ROOM_SECRET: 'test-secret-that-is-long-enough-0123456789', FITTING_ROOM_ALLOWED_ORIGINS: 'https://boutique.example,https://other.example' };

  it("reads the shop name (the first origin's host by default), the visible mark switch, and the C2PA pair", () => {
    expect(readConfig(base).marking).toEqual({ shopName: 'boutique.example', visibleMark: true, c2pa: undefined });
    expect(readConfig({ ...base, FITTING_ROOM_SHOP_NAME: ' Boutique ', FITTING_ROOM_VISIBLE_MARK: 'off' }).marking).toMatchObject({ shopName: 'Boutique', visibleMark: false });
    expect(() => readConfig({ ...base, FITTING_ROOM_VISIBLE_MARK: 'maybe' })).toThrow(/FITTING_ROOM_VISIBLE_MARK/);
    expect(() => readConfig({ ...base, FITTING_ROOM_SHOP_NAME: 'x'.repeat(61) })).toThrow(/FITTING_ROOM_SHOP_NAME must be at most 60/);
    expect(() => readConfig({ ...base, FITTING_ROOM_C2PA_CERT: '/some/chain.pem' })).toThrow(/FITTING_ROOM_C2PA_CERT and FITTING_ROOM_C2PA_KEY go together/);
    // The key is masked in logs like every secret.
    expect(secretsOf(readConfig({ ...base, FITTING_ROOM_C2PA_CERT: 'c', FITTING_ROOM_C2PA_KEY: 'the-key-pem' }))).toContain('the-key-pem');
  });

  it('refuses a certificate or key it cannot use, naming the variable', () => {
    const certificate = makeTestCertificate();
    try {
      expect(() => createC2paSigner('/nonexistent/chain.pem', certificate.keyPem)).toThrow(/FITTING_ROOM_C2PA_CERT/);
      expect(() => createC2paSigner(certificate.certPath, 'not a key')).toThrow(/FITTING_ROOM_C2PA_KEY/);
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      expect(() => createC2paSigner(certificate.certPath, rsa)).toThrow(/EC key/);
      const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      expect(() => createC2paSigner(certificate.certPath, otherKey)).toThrow(/not the private key of the first certificate/);
    } finally {
      certificate.cleanup();
    }
  });

  it('finds C2PA and IPTC marks in PNG too, and none in a plain file', async () => {
    const certificate = makeTestCertificate();
    try {
      const plain = new Uint8Array(
        await sharp({ create: { width: 32, height: 32, channels: 3, background: '#864' } })
          .png()
          .toBuffer(),
      );
      expect(providerMarks(plain)).toEqual([]);
      expect(providerMarks(embedXmp(plain, 'png', xmpPacket('Provider')))).toEqual(['iptc']);
      const signed = await createC2paSigner(certificate.certPath, certificate.keyPem)({ bytes: plain, contentType: 'image/png' }, 'Provider');
      expect(providerMarks(signed.bytes)).toEqual(['c2pa']);
    } finally {
      certificate.cleanup();
    }
  });
});
