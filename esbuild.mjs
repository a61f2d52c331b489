// Bundles the extension (node/cjs, `vscode` external), the CLI (node/cjs) and the webview (browser/iife) into dist/.
// Flags: --production (minify, no sourcemaps), --watch, --only extension|cli|webview.
import * as esbuild from 'esbuild';
import fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx > 0 ? process.argv[onlyIdx + 1] : undefined;

// gpt-tokenizer (count_tokens estimates) is big and rarely used: it lives in its own dist/tokenizer.js, required lazily.
const tokenizerExternal = {
  name: 'tokenizer-external',
  setup(build) { build.onResolve({ filter: /^gpt-tokenizer$/ }, () => ({ path: './tokenizer.js', external: true })); },
};
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
const targets = {
  extension: { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [tokenizerExternal] },
  cli: { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' }, plugins: [tokenizerExternal] },
  tokenizer: { ...common, entryPoints: ['src/gateway/tokens/tokenizer-entry.ts'], outfile: 'dist/tokenizer.js', platform: 'node', format: 'cjs', target: 'node20' },
  webview: { ...common, entryPoints: ['webview-ui/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022', loader: { '.css': 'text', '.ttf': 'dataurl' } },
};

// The CLI and the extension need the tokenizer bundle beside them.
const wanted = (name) => !only || only === name || (name === 'tokenizer' && (only === 'cli' || only === 'extension'));
const chosen = Object.entries(targets).filter(([name]) => wanted(name) && fs.existsSync(targets[name].entryPoints[0]));
const started = Date.now();
if (watch) {
  for (const [, opts] of chosen) await (await esbuild.context(opts)).watch();
} else {
  await Promise.all(chosen.map(([, opts]) => esbuild.build(opts)));
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
  const sizes = chosen.map(([name, o]) => `${name} ${(fs.statSync(o.outfile).size / 1024).toFixed(0)} KiB`).join(', ');
  console.log(`[esbuild] built ${sizes} in ${Date.now() - started} ms`);
}
