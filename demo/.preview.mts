import sharp from 'sharp';
const dir = 'demo/.generated/';
for (const f of ['shopper-1', 'shopper-2', 'shopper-3']) await sharp(dir + f + '.jpg').png().toFile(`/tmp/prev-${f}.png`);
await sharp(dir + 'shopper-phone-rotated.jpg').resize(800).png().toFile('/tmp/prev-phone-raw.png');
await sharp(dir + 'shopper-phone-rotated.jpg').rotate().resize(600).png().toFile('/tmp/prev-phone-upright.png');
const m = await sharp(dir + 'shopper-phone-rotated.jpg').metadata();
console.log(m.width, m.height, m.orientation, m.exif?.length);
