/** `Switchboard: Open Panel`: one management panel (a singleton), revived after a window reload. */
import * as vscode from 'vscode';
import type { ToWebview } from '../../shared/webview-protocol';
import type { PanelDeps } from './deps';
import { PanelSession } from './panel-session';

export type { PanelDeps } from './deps';

/** The webview view type; package.json needs the activation event `onWebviewPanel:switchboard.panel`. */
export const PANEL_VIEW_TYPE = 'switchboard.panel';
/** Command registered only in the extension's test mode: drives the open panel like its webview would. */
export const PANEL_TEST_COMMAND = 'switchboard.panel.testHook';

/** What the test hook hands out (test mode only). */
export interface PanelTestHook {
  /** Runs a message as if the webview had posted it. */
  dispatch(msg: unknown): Promise<void>;
  /** Messages sent to the webview so far (after the secret guard). */
  posted(): ToWebview[];
}

let session: PanelSession | undefined;
let hookRegistered = false;

function adopt(panel: vscode.WebviewPanel, deps: PanelDeps): PanelSession {
  // A revived panel while another is open: keep one (the singleton rule), the newer.
  if (session && session.panel !== panel) session.panel.dispose();
  const s = new PanelSession(panel, deps, {
    record: deps.context.extensionMode === vscode.ExtensionMode.Test,
    onDispose: () => { if (session === s) session = undefined; },
  });
  session = s;
  registerTestHook(deps);
  return s;
}

/** The current panel's test hook, or undefined when no panel is open. */
export function panelTestHook(): PanelTestHook | undefined {
  const s = session;
  return s && { dispatch: (m) => s.dispatch(m), posted: () => [...s.posted] };
}

function registerTestHook(deps: PanelDeps): void {
  if (hookRegistered || deps.context.extensionMode !== vscode.ExtensionMode.Test) return;
  hookRegistered = true;
  deps.context.subscriptions.push(
    vscode.commands.registerCommand(PANEL_TEST_COMMAND, () => panelTestHook()),
    { dispose: () => { hookRegistered = false; } },
  );
}

/** Opens (or reveals) the panel; resolves true once it exists. */
export function openPanel(deps: PanelDeps): boolean {
  if (session) { session.panel.reveal(); return true; }
  const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Switchboard', vscode.ViewColumn.Active, {
    enableScripts: true, retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(deps.context.extensionUri, 'dist')],
  });
  adopt(panel, deps);
  return true;
}

/** Revives the panel after a reload; register once during activation (services.ts). */
export function registerPanelSerializer(deps: PanelDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
    deserializeWebviewPanel: async (panel) => { adopt(panel, deps); },
  });
}
