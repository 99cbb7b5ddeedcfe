import { expect } from '@esm-bundle/chai';
import '../../src/fitting-room.js';
import type { FittingRoom } from '../../src/components/fitting-room/fitting-room.component.js';
import { buttonByText, dialogRoot, drawPhoto, expectNoAxeViolations, fetchFile, firstVisit, mount, nativeDialog, pickFile, recordUploads, waitFor } from './helpers.js';

/**
 * The ways a photo comes in: the live camera (Chromium's fake device, see
 * web-test-runner.config.mjs), a denied camera, a HEIC file, a pasted image.
 */
function setup() {
  const container = mount(`<fitting-room endpoint="/fitting-room" garment="/demo/.generated/tee-navy.png" product-id="tee" variant-id="tee-navy"></fitting-room>`);
  return { container, element: container.querySelector('fitting-room') as FittingRoom };
}

async function openToPhotoStep(element: FittingRoom) {
  localStorage.setItem('fitting-room:consent', JSON.stringify({ version: 2 }));
  element.shadowRoot!.querySelector('button')!.click();
  await waitFor(() => nativeDialog(element)?.open, 'the dialog to open');
  return waitFor(() => dialogRoot(element)!.querySelector<HTMLInputElement>('input[type=file]'), 'the photo step');
}

const resultOf = (element: FittingRoom) => dialogRoot(element)?.querySelector<HTMLImageElement>('img.after');

describe('capture', () => {
  let container: HTMLElement;
  let element: FittingRoom;
  const realGetUserMedia = navigator.mediaDevices.getUserMedia;
  let streams: MediaStream[];

  beforeEach(() => {
    firstVisit();
    ({ container, element } = setup());
    streams = [];
    // Spy (not stub): keep every stream the widget opens, to check its tracks are stopped.
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await realGetUserMedia.call(navigator.mediaDevices, constraints);
      streams.push(stream);
      return stream;
    };
  });
  afterEach(() => {
    navigator.mediaDevices.getUserMedia = realGetUserMedia;
    element.close();
    container.remove();
  });

  const liveTracks = () => streams.flatMap((stream) => stream.getTracks()).filter((track) => track.readyState === 'live');

  it('takes a photo with the camera: mirrored preview, outline, capture, tracks stopped, same preparation as a file', async () => {
    await openToPhotoStep(element);
    const photos: CustomEvent[] = [];
    element.addEventListener('fitting-room:photo', (event) => photos.push(event));
    buttonByText(element, 'Take a photo')!.click();
    const video = await waitFor(() => dialogRoot(element)!.querySelector<HTMLVideoElement>('video.live'), 'the preview');
    await waitFor(() => video.videoWidth > 0 && !buttonByText(element, 'Take photo')!.disabled, 'the camera to run');
    expect(video.classList.contains('mirror'), 'front camera preview mirrored').to.equal(true);
    expect(getComputedStyle(video).scale).to.equal('-1 1');
    expect(dialogRoot(element)!.querySelector('svg.guide path')).to.not.equal(null);
    expect(liveTracks()).to.have.length(1);
    await expectNoAxeViolations(element);

    buttonByText(element, 'Take photo')!.click();
    await waitFor(() => !liveTracks().length, 'the camera to stop once the photo is taken');
    await waitFor(() => photos.length, 'the photo event');
    expect(photos[0].detail.source).to.equal('camera');
    // The fake camera's test pattern may draw preflight advice; going on anyway is the shopper's call.
    const next = await waitFor(() => resultOf(element) ?? buttonByText(element, 'Use this photo anyway'), 'the result or the review');
    if (next instanceof HTMLButtonElement) next.click();
    const after = await waitFor(() => resultOf(element), 'the result');
    const before = dialogRoot(element)!.querySelector<HTMLImageElement>('img.before')!;
    await waitFor(() => before.naturalWidth > 0, 'the photo to show');
    expect(before.naturalWidth / before.naturalHeight).to.be.closeTo(3 / 4, 0.01, 'a 3:4 portrait, like the preview');
    expect(after).to.not.equal(null);
  });

  it('stops the camera when the shopper goes back, and when the dialog closes', async () => {
    await openToPhotoStep(element);
    buttonByText(element, 'Take a photo')!.click();
    await waitFor(() => liveTracks().length === 1, 'the camera to run');
    buttonByText(element, 'Back')!.click();
    await waitFor(() => !liveTracks().length, 'the camera to stop on Back');
    buttonByText(element, 'Take a photo')!.click();
    await waitFor(() => liveTracks().length === 1, 'the camera to run again');
    element.close();
    await waitFor(() => !liveTracks().length, 'the camera to stop on close');
  });

  it('falls back to the file picker when the camera is denied, and says why (getUserMedia stubbed to throw NotAllowedError)', async () => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    await openToPhotoStep(element);
    buttonByText(element, 'Take a photo')!.click();
    const notice = await waitFor(() => dialogRoot(element)!.querySelector('.notice'), 'the explanation');
    expect(notice.textContent).to.contain('Camera access is blocked');
    const input = dialogRoot(element)!.querySelector<HTMLInputElement>('input[type=file]')!;
    await waitFor(() => dialogRoot(element)!.activeElement === input, 'focus on the file picker');
    await expectNoAxeViolations(element);
    pickFile(input, await drawPhoto());
    await waitFor(() => resultOf(element), 'the result from a file');
  });

  it('says so when there is no camera at all', async () => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
    await openToPhotoStep(element);
    buttonByText(element, 'Take a photo')!.click();
    const notice = await waitFor(() => dialogRoot(element)!.querySelector('.notice'), 'the explanation');
    expect(notice.textContent).to.contain('No camera is available');
  });

  it('offers a file picker that takes any image (iOS then hands over HEIC as JPEG)', async () => {
    const input = await openToPhotoStep(element);
    expect(input.accept).to.equal('image/*');
  });

  it('decodes a HEIC photo (made by libheif’s heif-enc) with the lazily loaded decoder and uploads a JPEG', async () => {
    const input = await openToPhotoStep(element);
    const recorder = recordUploads();
    pickFile(input, await fetchFile('/test/fixtures/shopper.heic', 'IMG_0001.HEIC', 'image/heic'));
    const after = await waitFor(() => resultOf(element), 'the result', 30_000);
    recorder.stop();
    const before = dialogRoot(element)!.querySelector<HTMLImageElement>('img.before')!;
    await waitFor(() => before.naturalWidth > 0 && after.naturalWidth > 0, 'the images to load');
    expect([before.naturalWidth, before.naturalHeight]).to.deep.equal([600, 800]);
    // The decoder ran in the photo worker, from this origin (the build's own .wasm: see test/size).
    expect(recorder.uploads.map((upload) => upload.person)).to.deep.equal([true], 'one upload, carrying the photo');
    const photo = recorder.uploads[0].photo!;
    expect([...new Uint8Array(await photo.slice(0, 3).arrayBuffer())]).to.deep.equal([0xff, 0xd8, 0xff], 'a JPEG by its magic bytes, not HEIC');
    // Pixels upright without any orientation tag to honour: the re-encode drops metadata.
    const pixels = await createImageBitmap(photo, { imageOrientation: 'none' });
    expect(pixels.width / pixels.height).to.be.closeTo(3 / 4, 0.01, 'an upright 3:4 portrait');
    expect(Math.max(pixels.width, pixels.height)).to.be.at.most(1024);
  });

  it('takes a pasted image', async () => {
    await openToPhotoStep(element);
    const transfer = new DataTransfer();
    transfer.items.add(await drawPhoto());
    nativeDialog(element)!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, composed: true }));
    await waitFor(() => resultOf(element), 'the result');
  });
});
