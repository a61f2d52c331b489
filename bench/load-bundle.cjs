/**
 * Times `require` of a bundle in a fresh process, with `vscode` resolved to an empty stub (bench only): the
 * extension bundle's load time without VS Code. Usage: node bench/load-bundle.cjs <bundle.js>; prints {"loadMs":N}.
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');

const stub = path.join(__dirname, 'vscode-stub.cjs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? stub : resolve.call(this, request, ...rest);
};
const t0 = process.hrtime.bigint();
const exported = require(path.resolve(process.argv[2]));
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ loadMs, exports: Object.keys(exported) }) + '\n');
