/** An empty stand-in for the `vscode` module, so the bench can load the extension bundle outside VS Code. */
'use strict';
module.exports = new Proxy({}, { get: (_t, key) => (key === '__esModule' ? false : new Proxy(function () {}, { get: () => undefined })) });
