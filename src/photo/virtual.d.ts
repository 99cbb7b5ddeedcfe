/** The URL of libheif's .wasm, emitted next to the widget's chunks by vite.config.ts (and served by the test runner). */
declare module 'virtual:libheif-wasm' {
  const url: string;
  export default url;
}
