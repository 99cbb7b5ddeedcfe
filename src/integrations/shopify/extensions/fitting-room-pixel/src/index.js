// The pixel's entry as Shopify CLI builds it; the logic is pixel.ts (tested in Node).
import { register } from '@shopify/web-pixels-extension';
import { fittingRoomPixel } from './pixel';

register(fittingRoomPixel);
