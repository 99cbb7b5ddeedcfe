// The two together, bundled as one minified ES module the way a shop would ship them.
import '@shoelace-style/shoelace/dist/components/dialog/dialog.js';
import imageCompression from 'browser-image-compression';

export default imageCompression;
