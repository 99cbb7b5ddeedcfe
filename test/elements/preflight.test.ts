import { expect } from '@esm-bundle/chai';
import { preparePhoto } from '../../src/photo/prepare-photo.js';
import { preparePhotoOffThread } from '../../src/photo/prepare-off-thread.js';
import { drawPhoto, fetchFile, filtered } from './helpers.js';

const codes = (photo: { checks: { code: string }[] }) => photo.checks.map((check) => check.code);

describe('preflight', () => {
  let shopper: File;
  before(async () => {
    shopper = await fetchFile('/demo/.generated/shopper-1.jpg');
  });

  it('finds nothing to say about good photos', async () => {
    for (const file of [shopper, await fetchFile('/demo/.generated/shopper-2.jpg'), await fetchFile('/demo/.generated/shopper-3.jpg'), await drawPhoto()]) {
      const photo = await preparePhoto(file);
      expect(codes(photo)).to.deep.equal([]);
    }
  });

  it('says a photo is too small (short side under 512 px), and that blocks', async () => {
    const photo = await preparePhoto(await filtered(shopper, 'none', 360, 480));
    expect(photo.checks).to.deep.include({ code: 'small', blocking: true });
  });

  it('says a photo is too dark', async () => {
    const photo = await preparePhoto(await filtered(shopper, 'brightness(0.2)'));
    expect(photo.checks).to.deep.equal([{ code: 'dark', blocking: false }]);
  });

  it('says a photo is blown out', async () => {
    const photo = await preparePhoto(await filtered(shopper, 'brightness(2.2)'));
    expect(photo.checks).to.deep.equal([{ code: 'bright', blocking: false }]);
  });

  it('says a photo is blurry (variance of the Laplacian)', async () => {
    const photo = await preparePhoto(await filtered(shopper, 'blur(8px)'));
    expect(photo.checks).to.deep.equal([{ code: 'blurry', blocking: false }]);
  });

  it('says a landscape photo is cropped to a portrait', async () => {
    const canvas = new OffscreenCanvas(1600, 900);
    const context = canvas.getContext('2d')!;
    context.drawImage(await createImageBitmap(shopper), 500, 0, 675, 900);
    context.fillStyle = '#d8d2c8';
    context.fillRect(0, 0, 500, 900);
    context.fillRect(1175, 0, 425, 900);
    const photo = await preparePhoto(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }));
    expect(codes(photo)).to.deep.equal(['landscape']);
  });

  it('prepares a 12 MP phone photo off the main thread and measures what it costs', async () => {
    const original = await fetchFile('/demo/.generated/shopper-phone-rotated.jpg');
    // Long tasks on the main thread while the worker decodes, analyses and encodes.
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    await preparePhotoOffThread(new Blob([new Uint8Array(8)])).catch(() => undefined); // start the worker
    const started = performance.now();
    const photo = await preparePhotoOffThread(original);
    const total = performance.now() - started;
    observer.disconnect();
    const { decode, analyse, encode } = photo.timings;
    console.log(
      `12 MP preflight in the worker: decode ${decode.toFixed(0)} ms, analysis ${analyse.toFixed(1)} ms, encode ${encode.toFixed(0)} ms, ` +
        `round trip ${total.toFixed(0)} ms; main-thread long tasks meanwhile: ${JSON.stringify(longTasks.map(Math.round))}`,
    );
    expect([photo.width, photo.height]).to.deep.equal([768, 1024]);
    expect(codes(photo)).to.deep.equal([]);
    expect(analyse).to.be.below(100);
    expect(Math.max(0, ...longTasks)).to.be.below(200, 'the main thread stays responsive');
  });
});
