// What a developer reaches for instead of our photo preparation: browser-image-compression.
import imageCompression from 'browser-image-compression';

export default imageCompression;
