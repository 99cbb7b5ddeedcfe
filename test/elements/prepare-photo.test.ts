import { expect } from '@esm-bundle/chai';
import { PhotoError, preparePhoto } from '../../src/photo/prepare-photo.js';
import { drawPhoto } from './helpers.js';

const hasExifSegment = async (blob: Blob) => {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const exif = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00];
  for (let i = 0; i < Math.min(bytes.length, 65_536); i++) if (exif.every((byte, j) => bytes[i + j] === byte)) return true;
  return false;
};

const colourAt = async (blob: Blob, x: number, y: number) => {
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  return [...context.getImageData(x, y, 1, 1).data.slice(0, 3)];
};

describe('preparePhoto', () => {
  it('turns a sideways 12 MP phone photo (EXIF orientation 6, GPS) into an upright 768×1024 JPEG without metadata', async () => {
    const original = await (await fetch('/demo/.generated/shopper-phone-rotated.jpg')).blob();
    expect(await hasExifSegment(original), 'the fixture carries EXIF').to.equal(true);
    const started = performance.now();
    const prepared = await preparePhoto(original);
    const elapsed = performance.now() - started;
    expect([prepared.width, prepared.height]).to.deep.equal([768, 1024]);
    expect(prepared.blob.type).to.equal('image/jpeg');
    expect(await hasExifSegment(prepared.blob)).to.equal(false);
    expect(prepared.blob.size).to.be.below(300_000);
    console.info(`12 MP photo prepared in ${elapsed.toFixed(0)} ms: ${original.size} → ${prepared.blob.size} bytes`);
  });

  it('crops a landscape photo to a centred 3:4 portrait', async () => {
    const canvas = new OffscreenCanvas(1600, 900);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#ff0000';
    context.fillRect(0, 0, 1600, 900);
    context.fillStyle = '#0000ff';
    context.fillRect(500, 0, 600, 900);
    const prepared = await preparePhoto(await canvas.convertToBlob({ type: 'image/png' }));
    expect([prepared.width, prepared.height]).to.deep.equal([675, 900]);
    const [red, , blue] = await colourAt(prepared.blob, 337, 450);
    expect(blue).to.be.above(200);
    expect(red).to.be.below(60);
  });

  it('puts a cut-out (transparent) PNG on white, not black', async () => {
    const canvas = new OffscreenCanvas(600, 800);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#0000ff';
    context.fillRect(200, 200, 200, 400);
    const prepared = await preparePhoto(await canvas.convertToBlob({ type: 'image/png' }));
    const [red, green, blue] = await colourAt(prepared.blob, 20, 20);
    expect(Math.min(red, green, blue), 'the transparent corner').to.be.above(240);
    expect(await colourAt(prepared.blob, 300, 400)).to.satisfy(([r, , b]: number[]) => b > 200 && r < 60);
    expect(
      prepared.checks.some((check) => check.code === 'dark'),
      'not judged too dark',
    ).to.equal(false);
  });

  it('keeps a tall photo whole and never upscales a small one', async () => {
    const prepared = await preparePhoto(await drawPhoto(450, 900));
    expect([prepared.width, prepared.height]).to.deep.equal([450, 900]);
  });

  for (const [name, file, code] of [
    ['an empty file', new File([], 'a.jpg'), 'EMPTY_IMAGE'],
    ['a PDF renamed to .jpg', new File(['%PDF-1.4 not an image'], 'a.jpg', { type: 'image/jpeg' }), 'UNSUPPORTED_IMAGE_TYPE'],
    ['a truncated JPEG', new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1])], 'a.jpg'), 'IMAGE_UNREADABLE'],
  ] as const) {
    it(`rejects ${name} with ${code}`, async () => {
      const error = await preparePhoto(file).catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(PhotoError);
      expect((error as PhotoError).code).to.equal(code);
    });
  }
});
