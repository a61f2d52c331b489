/**
 * jsonc-parser through its ES module build: the default UMD build loads its parts with a runtime `require` that
 * esbuild cannot follow, so the bundled extension would fail to load it.
 */
export { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, printParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
export type { JSONPath, ParseError } from 'jsonc-parser/lib/esm/main.js';
