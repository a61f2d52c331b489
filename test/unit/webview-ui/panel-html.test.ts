import assert from 'node:assert/strict';
import { panelCsp, renderPanelHtml } from '../../../src/shared/panel-html';

describe('renderPanelHtml', () => {
  const base = { scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js', cspSource: 'https://*.vscode-cdn.net', nonce: 'abc123+/=', lang: 'en' as const };

  it('emits a strict CSP with the nonce and no unsafe-inline/eval', () => {
    const html = renderPanelHtml(base);
    const csp = panelCsp(base.cspSource, base.nonce);
    assert.equal(csp, "default-src 'none'; script-src 'nonce-abc123+/='; style-src https://*.vscode-cdn.net 'nonce-abc123+/='; font-src https://*.vscode-cdn.net; img-src https://*.vscode-cdn.net data:");
    assert.ok(html.includes(`content="${csp.replace(/'/g, '&#39;')}"`));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.match(html, /<script nonce="abc123\+\/=" src="https:\/\/file\+\.vscode-resource[^"]+webview\.js"><\/script>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'exactly one script, no inline code');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no event-handler attributes');
  });

  it('sets the document language and an optional stylesheet link', () => {
    assert.match(renderPanelHtml({ ...base, lang: 'zh-cn' }), /<html lang="zh-CN">/);
    assert.doesNotMatch(renderPanelHtml(base), /<link/);
    assert.match(renderPanelHtml({ ...base, styleUri: 'https://x/y.css' }), /<link rel="stylesheet" href="https:\/\/x\/y\.css" nonce="abc123\+\/=">/);
  });

  it('escapes attribute values and rejects a nonce or source that could widen the policy', () => {
    assert.match(renderPanelHtml({ ...base, scriptUri: 'https://x/"><script>' }), /src="https:\/\/x\/&quot;&gt;&lt;script&gt;"/);
    assert.throws(() => renderPanelHtml({ ...base, nonce: "x'; script-src *" }), /nonce/);
    assert.throws(() => renderPanelHtml({ ...base, cspSource: "https://a; script-src 'unsafe-inline'" }), /source/);
  });

  it("accepts VS Code's real cspSource (quoted 'self' plus a host) and no other quoted token", () => {
    const real = "'self' https://*.vscode-cdn.net";
    const csp = panelCsp(real, base.nonce);
    assert.match(csp, /script-src 'nonce-abc123\+\/='/);
    assert.match(csp, /style-src 'self' https:\/\/\*\.vscode-cdn\.net 'nonce-/);
    assert.ok(renderPanelHtml({ ...base, cspSource: real }).includes(csp.replace(/'/g, '&#39;')));
    assert.throws(() => renderPanelHtml({ ...base, cspSource: "'self' 'unsafe-inline'" }), /source/);
    assert.throws(() => renderPanelHtml({ ...base, cspSource: '' }), /source/);
  });
});
