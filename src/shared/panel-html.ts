/** The management panel's HTML shell with a strict CSP; pure so the host and the browser test serve the same bytes. */
import type { PanelLang } from './webview-protocol';

/** Inputs for {@link renderPanelHtml}; URIs are already converted with `webview.asWebviewUri`. */
export interface PanelHtmlOptions {
  /** URI of dist/webview.js. */
  scriptUri: string;
  /** Optional extra stylesheet (the bundle adopts its own CSS, so this is usually absent). */
  styleUri?: string;
  /** `webview.cspSource`. */
  cspSource: string;
  /** Fresh per render, from `crypto.randomBytes(16).toString('base64')`. */
  nonce: string;
  lang: PanelLang;
}

const ATTR_ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;', "'": '&#39;' };

function attr(value: string): string {
  return value.replace(/[&"<>']/g, (c) => ATTR_ESCAPES[c] ?? c);
}

/** Builds the CSP header value; styles need no 'unsafe-inline' because the bundle uses constructable stylesheets. */
export function panelCsp(cspSource: string, nonce: string): string {
  // A nonce or source containing a quote or semicolon could widen the policy, so reject rather than escape.
  if (!/^[A-Za-z0-9+/=_-]+$/.test(nonce)) throw new Error('invalid CSP nonce');
  // VS Code's cspSource is e.g. `'self' https://*.vscode-cdn.net`: quoted keywords are fine, anything else quoted is not.
  const tokens = cspSource.split(/\s+/).filter(Boolean);
  if (!tokens.length || tokens.some((t) => !/^'(self|none)'$/.test(t) && /[;'",\r\n]/.test(t))) throw new Error('invalid CSP source');
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/** Returns the panel document: one nonce'd script, no inline script or event-handler attributes. */
export function renderPanelHtml(opts: PanelHtmlOptions): string {
  const csp = panelCsp(opts.cspSource, opts.nonce);
  const lang = opts.lang === 'zh-cn' ? 'zh-CN' : 'en';
  const style = opts.styleUri ? `\n  <link rel="stylesheet" href="${attr(opts.styleUri)}" nonce="${attr(opts.nonce)}">` : '';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>Switchboard</title>${style}
</head>
<body>
  <main id="app" aria-live="polite"></main>
  <script nonce="${attr(opts.nonce)}" src="${attr(opts.scriptUri)}"></script>
</body>
</html>
`;
}
