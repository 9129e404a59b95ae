// Query files are bundled as text by esbuild (see esbuild.mjs).
declare module '*.scm' {
  const source: string;
  export default source;
}
