import sharp from 'sharp';
const dir = 'demo/.generated/';
const tiles = await Promise.all(['shopper-1', 'shopper-2', 'shopper-3'].map((f) => sharp(dir + f + '.jpg').resize(600).png().toBuffer()));
await sharp({ create: { width: 1800, height: 800, channels: 3, background: '#fff' } })
  .composite(tiles.map((input, i) => ({ input, left: i * 600, top: 0 }))).png().toFile('/tmp/prev-shoppers.png');
