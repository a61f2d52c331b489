/** The status bar item: mirrors the controller's state, in-flight requests and today's usage; a click opens actions. */
import * as vscode from 'vscode';
import type { GatewayController } from './gateway-controller';
import { statusView, type StatusExtras } from './gateway-state';

/** Command run by clicking the item (hidden from the palette). */
export const STATUS_COMMAND = 'switchboard.showActions';

/** Commands the rich tooltip may run (its MarkdownString trusts only these). */
const TOOLTIP_COMMANDS = ['switchboard.showLogs', 'switchboard.openSettings', 'switchboard.restart', 'switchboard.start', 'switchboard.copyCodexSetup', 'switchboard.copyClaudeCodeSetup', 'switchboard.openPanel', 'switchboard.addProvider'];

/** Owns the StatusBarItem and its subscriptions. */
export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: Array<{ dispose(): void }>;
  private plainTooltip = '';
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly controller: GatewayController, private readonly extras: () => StatusExtras) {
    this.item = vscode.window.createStatusBarItem('switchboard.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Switchboard';
    this.item.command = STATUS_COMMAND;
    this.subscriptions = [
      controller.onDidChangeState(() => this.render()),
      // Usage changes with every finished request: coalesce bursts into one render.
      controller.onDidRecord(() => { this.pending ??= setTimeout(() => { this.pending = undefined; this.render(); }, 300); }),
    ];
    this.render();
    this.item.show();
  }

  /** The text currently shown (tests read it: the status bar has no read API). */
  get text(): string { return this.item.text; }

  /** The tooltip currently shown, as plain text. */
  get tooltip(): string { return this.plainTooltip; }

  /** Re-reads state and usage now. */
  render(): void {
    let extras: StatusExtras = {};
    try { extras = this.extras(); } catch { /* counters are decoration: never break the item */ }
    const v = statusView(this.controller.state, vscode.l10n.t, extras);
    this.item.text = v.text;
    this.plainTooltip = v.tooltip;
    const md = new vscode.MarkdownString(v.markdown, true);
    md.isTrusted = { enabledCommands: TOOLTIP_COMMANDS };
    this.item.tooltip = md;
    this.item.backgroundColor = v.severity === 'normal' ? undefined : new vscode.ThemeColor(`statusBarItem.${v.severity}Background`);
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
