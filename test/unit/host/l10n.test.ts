import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const read = (p: string): string => fs.readFileSync(path.join(root, p), 'utf8');

/** Every literal passed to `l10n.t(...)` / `t(...)` in the host glue (the panel ships its own strings). */
function hostStrings(): string[] {
  // Everything under src/host except the panel (it ships its own strings).
  const files = [...(fs.readdirSync(path.join(root, 'src/host'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.startsWith('panel')).map((f) => `src/host/${f}`), 'src/extension.ts'];
  const out = new Set<string>();
  for (const f of files) {
    for (const m of read(f).matchAll(/(?:l10n\.t|\bt)\(\s*'((?:[^'\\]|\\.)*)'/g)) out.add(m[1]!.replace(/\\'/g, "'"));
  }
  return [...out];
}

describe('host/l10n', () => {
  it('the zh-cn runtime bundle translates every host string, with the same placeholders', () => {
    const bundle = JSON.parse(read('l10n/bundle.l10n.zh-cn.json')) as Record<string, string>;
    const strings = hostStrings();
    assert.ok(strings.length > 20, `found ${strings.length} strings`);
    for (const s of strings) {
      assert.ok(s in bundle, `missing zh-cn translation: ${s}`);
      const ph = (x: string): string[] => (x.match(/\{\d+\}/g) ?? []).sort();
      assert.deepEqual(ph(bundle[s]!), ph(s), `placeholders of: ${s}`);
    }
    assert.deepEqual(Object.keys(bundle).filter((k) => !strings.includes(k)), [], 'no stale entries');
  });

  it('package.nls.json and package.nls.zh-cn.json cover every %key% in package.json', () => {
    const used = new Set([...read('package.json').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));
    const en = JSON.parse(read('package.nls.json')) as Record<string, string>;
    const zh = JSON.parse(read('package.nls.zh-cn.json')) as Record<string, string>;
    for (const k of used) {
      assert.ok(en[k], `package.nls.json lacks ${k}`);
      assert.ok(zh[k], `package.nls.zh-cn.json lacks ${k}`);
    }
    assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  });
});
