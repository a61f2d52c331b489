/**
 * PLACEHOLDER written by the VS Code glue helper so the extension builds before the real panel lands.
 * src/host/panel/** belongs to the panel: replace this file wholesale (keep `openPanel(deps: PanelDeps)`).
 */
import * as vscode from 'vscode';
import type { Logger } from '../../gateway/ports';
import type { KeyStore } from '../../gateway/policy/key-store';
import type { GatewayController } from '../gateway-controller';
import type { HostSecrets } from '../secrets';

/** What the host hands the panel (see src/host/services.ts). */
export interface PanelDeps {
  context: vscode.ExtensionContext;
  controller: GatewayController;
  secrets: HostSecrets;
  keyStore: KeyStore;
  logger: Logger;
  channel: vscode.LogOutputChannel;
  /** The URL clients should use. */
  baseUrl(): string;
}

let current: vscode.WebviewPanel | undefined;

/** Opens (or reveals) the panel; resolves true once it exists. */
export function openPanel(deps: PanelDeps): boolean {
  if (current) { current.reveal(); return true; }
  current = vscode.window.createWebviewPanel('switchboard.settings', 'Switchboard', vscode.ViewColumn.Active, { enableScripts: false });
  current.onDidDispose(() => { current = undefined; });
  const state = deps.controller.state;
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  current.webview.html = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"></head>
<body><h1>Switchboard</h1><p>Gateway: ${esc(state.kind)} — ${esc(deps.baseUrl())}</p></body></html>`;
  return true;
}
