/** One open panel: its webview, message handling and live updates. Listeners live exactly as long as the panel. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { UsageRecord } from '../../gateway/policy/types';
import type { Gateway } from '../../gateway/types';
import { renderPanelHtml } from '../../shared/panel-html';
import type { ToWebview } from '../../shared/webview-protocol';
import { onDidChangeSettings } from '../settings';
import type { PanelDeps } from './deps';
import { handleMessage } from './handlers';
import { parseToHost } from './messages';
import { panelLang, recentRequest } from './panel-state';
import { createGuardedPost } from './post';
import { currentState, preloadGatewaySecrets } from './state-inputs';

/** Coalesces bursts (a settings write fires several events; a busy gateway finishes many requests). */
const STATE_DEBOUNCE_MS = 150;
/** Messages kept for the test hook. */
const RECORDED_LIMIT = 200;

/** Webview options: scripts from dist/ only; state survives hiding via the webview's own getState/setState. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')], retainContextWhenHidden: false };
}

/** The panel document: the bundled webview script under a strict CSP with a fresh nonce. */
function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return renderPanelHtml({
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    nonce: randomBytes(16).toString('base64'),
    lang: panelLang(vscode.env.language),
    cspSource: webview.cspSource,
  });
}

/** Binds one WebviewPanel to the services. */
export class PanelSession implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly post: (msg: ToWebview) => boolean;
  private readonly extraSecrets = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private attached: Gateway | undefined;
  private detachGateway: (() => void) | undefined;
  private disposed = false;
  /** Messages sent to the webview (recorded only when `record` is set: the extension's test mode). */
  readonly posted: ToWebview[] = [];

  constructor(readonly panel: vscode.WebviewPanel, private readonly deps: PanelDeps, private readonly opts: { record?: boolean; onDispose?: () => void } = {}) {
    const webview = panel.webview;
    webview.options = webviewOptions(deps.context.extensionUri);
    this.post = createGuardedPost({
      send: (msg) => {
        if (this.opts.record) { this.posted.push(msg); if (this.posted.length > RECORDED_LIMIT) this.posted.shift(); }
        void webview.postMessage(msg);
      },
      knownSecrets: () => [...deps.secrets.knownSecrets(), ...this.extraSecrets],
      onRefused: (m) => deps.logger.error(m),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => { void this.dispatch(m); }),
      panel.onDidDispose(() => this.dispose()),
      deps.controller.onDidChangeState(() => { this.attach(); this.schedule(); }),
      onDidChangeSettings(() => this.schedule()),
      deps.secrets.onDidChange(() => this.schedule()),
    );
    this.attach();
    webview.html = panelHtml(webview, deps.context.extensionUri);
  }

  /** Validates and runs one message from the webview; failures become an error notice (and a log line). */
  async dispatch(raw: unknown): Promise<void> {
    const msg = parseToHost(raw);
    if ('error' in msg) {
      this.deps.logger.warn(`panel: ignored a message: ${msg.error}`);
      this.post({ type: 'notice', level: 'error', text: msg.error });
      return;
    }
    try {
      await handleMessage(msg, {
        deps: this.deps, post: this.post, pushState: () => this.pushState(),
        rememberSecret: (s) => { if (s) this.extraSecrets.add(s); },
      });
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      this.deps.logger.warn(`panel: ${msg.type} failed: ${text}`);
      this.post({ type: 'notice', level: 'error', text });
    }
  }

  /** Sends the whole state now. */
  async pushState(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    await preloadGatewaySecrets(this.deps);
    if (this.disposed) return;
    this.post({ type: 'state/changed', state: currentState(this.deps) });
  }

  private schedule(): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pushState().catch((e: unknown) => this.deps.logger.error(`panel: state update failed: ${e instanceof Error ? e.message : String(e)}`));
    }, STATE_DEBOUNCE_MS);
  }

  /** Follows the controller's gateway instance: a restart makes a new one with its own events. */
  private attach(): void {
    const gw = this.deps.controller.gateway;
    if (gw === this.attached) return;
    this.detachGateway?.();
    this.detachGateway = undefined;
    this.attached = gw;
    if (!gw) return;
    const onRequest = (r: UsageRecord): void => { this.post({ type: 'usage/record', record: recentRequest(r) }); this.schedule(); };
    const onInspector = (): void => this.schedule();
    gw.events.on('request', onRequest);
    gw.inspector.on('entry', onInspector);
    gw.inspector.on('cleared', onInspector);
    this.detachGateway = () => {
      gw.events.off('request', onRequest);
      gw.inspector.off('entry', onInspector);
      gw.inspector.off('cleared', onInspector);
    };
  }

  /** Stops listening; called when the panel closes. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.detachGateway?.();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.opts.onDispose?.();
  }
}
