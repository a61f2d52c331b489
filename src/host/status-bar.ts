/** The status bar item: mirrors the controller's state; a click opens the actions menu. */
import * as vscode from 'vscode';
import type { GatewayController } from './gateway-controller';
import { statusView } from './gateway-state';

/** Command run by clicking the item (hidden from the palette). */
export const STATUS_COMMAND = 'switchboard.showActions';

/** Owns the StatusBarItem and its subscription. */
export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly subscription: { dispose(): void };

  constructor(controller: GatewayController) {
    this.item = vscode.window.createStatusBarItem('switchboard.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Switchboard';
    this.item.command = STATUS_COMMAND;
    this.subscription = controller.onDidChangeState(() => this.render(controller));
    this.render(controller);
    this.item.show();
  }

  /** The text currently shown (tests read it: the status bar has no read API). */
  get text(): string { return this.item.text; }

  /** The tooltip currently shown. */
  get tooltip(): string { return typeof this.item.tooltip === 'string' ? this.item.tooltip : ''; }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }

  private render(controller: GatewayController): void {
    const v = statusView(controller.state, vscode.l10n.t);
    this.item.text = v.text;
    this.item.tooltip = v.tooltip;
    this.item.backgroundColor = v.severity === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }
}
