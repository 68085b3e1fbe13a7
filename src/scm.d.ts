// Tree-sitter queries are bundled as text by esbuild's `.scm` loader.
declare module '*.scm' {
  const text: string;
  export default text;
}
