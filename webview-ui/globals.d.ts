/** esbuild loads `.css` as text (see esbuild.mjs `loader`). */
declare module '*.css' {
  const text: string;
  export default text;
}
