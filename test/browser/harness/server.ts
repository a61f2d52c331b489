/** Serves the real renderPanelHtml() output (same CSP, as a meta tag and a header) plus the harness host on 127.0.0.1. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { panelCsp, renderPanelHtml } from '../../../src/shared/panel-html';
import type { PanelLang } from '../../../src/shared/webview-protocol';
import { fixtureState } from './fixture';
import { THEMES } from './themes';

/** A running harness server. */
export interface Harness {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  close(): Promise<void>;
}

/** Starts the server; `webviewJs` is the built bundle (dist/webview.js). */
export async function startHarness(webviewJs: string): Promise<Harness> {
  const client = readFileSync(path.join(__dirname, 'harness-client.js'), 'utf8');
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const lang: PanelLang = url.searchParams.get('lang') === 'zh-cn' ? 'zh-cn' : 'en';
    if (url.pathname === '/panel') {
      const nonce = randomBytes(16).toString('base64');
      const html = renderPanelHtml({ scriptUri: `${origin}/webview.js`, cspSource: origin, nonce, lang });
      const harnessTag = `<script nonce="${nonce}" src="${origin}/harness.js${url.search}"></script>\n  <script nonce`;
      const page = html.replace('<script nonce', harnessTag);
      if (page === html) throw new Error('renderPanelHtml output has no script tag to precede');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': panelCsp(origin, nonce) });
      res.end(page);
    } else if (url.pathname === '/harness.js') {
      const prelude = `window.__fixture = ${JSON.stringify(fixtureState(lang))};\nwindow.__themes = ${JSON.stringify(THEMES)};\n`;
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(prelude + client);
    } else if (url.pathname === '/webview.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(readFileSync(webviewJs));
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
