/** Typed wrapper over `acquireVsCodeApi()`: post(ToHost), onMessage(ToWebview), and the persisted UI state. */
import type { ToHost, ToWebview } from '../src/shared/webview-protocol';
import { isMessage } from '../src/shared/webview-protocol';
import type { PersistedUi } from './state';
import { isTabId } from './state';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The host bridge the views talk through. */
export interface HostApi {
  post(msg: ToHost): void;
  onMessage(handler: (msg: ToWebview) => void): void;
  /** Only non-secret UI state goes here (VS Code keeps it across panel hide/show). */
  save(state: PersistedUi): void;
  load(): PersistedUi | undefined;
}

/** Connects to the real VS Code webview API (acquireVsCodeApi may be called only once per page). */
export function connectHost(): HostApi {
  const vscode = acquireVsCodeApi();
  return {
    post: (msg) => vscode.postMessage(msg),
    onMessage: (handler) => {
      window.addEventListener('message', (ev: MessageEvent<unknown>) => {
        if (isMessage(ev.data)) handler(ev.data as ToWebview);
      });
    },
    save: (state) => vscode.setState(state),
    load: () => {
      const raw = vscode.getState();
      const tab = typeof raw === 'object' && raw !== null ? (raw as { tab?: unknown }).tab : undefined;
      return isTabId(tab) ? { tab } : undefined;
    },
  };
}
