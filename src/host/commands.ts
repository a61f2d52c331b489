/** The command table: every `switchboard.*` command id and what it runs. Ids match package.json contributes.commands. */
import * as vscode from 'vscode';
import { addProvider } from './add-provider';
import type { GatewayController } from './gateway-controller';
import type { GatewayState } from './gateway-state';
import type { HostSecrets } from './secrets';
import { STATUS_COMMAND } from './status-bar';

/** What the commands act on. */
export interface CommandDeps {
  controller: GatewayController;
  secrets: HostSecrets;
  channel: vscode.LogOutputChannel;
  /** The URL clients should use (running gateway, else what the settings say). */
  baseUrl(): string;
  /** Active gateway key ids, the one to offer first ("default") first. */
  gatewayKeyIds(): string[];
  openPanel(): unknown;
}

/** Shows a start failure with "Show Logs" and "Retry". Not awaited: notifications must not block commands. */
export function notifyState(state: GatewayState, deps: Pick<CommandDeps, 'controller' | 'channel'>): void {
  if (state.kind !== 'error') return;
  const showLogs = vscode.l10n.t('Show Logs');
  const openSettings = vscode.l10n.t('Open Settings');
  const retry = vscode.l10n.t('Retry');
  void vscode.window.showErrorMessage(vscode.l10n.t('Switchboard: {0}', state.message), showLogs, openSettings, retry).then((choice) => {
    if (choice === showLogs) deps.channel.show(true);
    else if (choice === openSettings) void openSwitchboardSettings();
    else if (choice === retry) void deps.controller.restart().then((s) => notifyState(s, deps));
  });
}

/** Opens the Settings editor filtered to Switchboard's settings. */
export function openSwitchboardSettings(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', '@ext:switchboard-dev.switchboard');
}

async function copyBaseUrl(deps: CommandDeps): Promise<string> {
  const url = deps.baseUrl();
  await vscode.env.clipboard.writeText(url);
  const note = deps.controller.state.kind === 'running' ? '' : ' ' + vscode.l10n.t('(the gateway is not running)');
  void vscode.window.showInformationMessage(vscode.l10n.t('Copied {0}', url) + note);
  return url;
}

async function copyGatewayKey(deps: CommandDeps): Promise<boolean> {
  // Only keys created on this machine have a plaintext in SecretStorage; keys.json holds hashes only.
  let key: string | undefined;
  for (const id of deps.gatewayKeyIds()) if ((key = await deps.secrets.gatewayKey(id))) break;
  if (!key) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No gateway key is stored on this machine. Create one in the Switchboard panel.'));
    return false;
  }
  await vscode.env.clipboard.writeText(key);
  void vscode.window.showInformationMessage(vscode.l10n.t('Gateway key copied to the clipboard.'));
  return true;
}

async function showActions(deps: CommandDeps): Promise<void> {
  const running = deps.controller.state.kind === 'running';
  const failed = deps.controller.state.kind === 'error';
  const items: Array<vscode.QuickPickItem & { command: string }> = [
    ...(failed ? [
      { label: '$(output) ' + vscode.l10n.t('Show Logs'), command: 'switchboard.showLogs' },
      { label: '$(settings) ' + vscode.l10n.t('Open Settings'), command: 'switchboard.openSettings' },
    ] : []),
    running
      ? { label: '$(debug-stop) ' + vscode.l10n.t('Stop Gateway'), command: 'switchboard.stop' }
      : { label: '$(play) ' + vscode.l10n.t('Start Gateway'), command: 'switchboard.start' },
    { label: '$(debug-restart) ' + vscode.l10n.t('Restart Gateway'), command: 'switchboard.restart' },
    { label: '$(copy) ' + vscode.l10n.t('Copy Base URL'), description: deps.baseUrl(), command: 'switchboard.copyBaseUrl' },
    { label: '$(key) ' + vscode.l10n.t('Copy Gateway Key'), command: 'switchboard.copyGatewayKey' },
    { label: '$(terminal) ' + vscode.l10n.t('Copy Codex Setup'), command: 'switchboard.copyCodexSetup' },
    { label: '$(terminal) ' + vscode.l10n.t('Copy Claude Code Setup'), command: 'switchboard.copyClaudeCodeSetup' },
    { label: '$(terminal) ' + vscode.l10n.t('Copy Kilo Code Setup'), command: 'switchboard.copyKiloCodeSetup' },
    { label: '$(gear) ' + vscode.l10n.t('Configure Codex…'), command: 'switchboard.configureCodex' },
    { label: '$(gear) ' + vscode.l10n.t('Configure Claude Code…'), command: 'switchboard.configureClaudeCode' },
    { label: '$(gear) ' + vscode.l10n.t('Configure Kilo Code…'), command: 'switchboard.configureKiloCode' },
    { label: '$(settings-gear) ' + vscode.l10n.t('Open Panel'), command: 'switchboard.openPanel' },
    { label: '$(add) ' + vscode.l10n.t('Add Provider…'), command: 'switchboard.addProvider' },
    ...(failed ? [] : [
      { label: '$(output) ' + vscode.l10n.t('Show Logs'), command: 'switchboard.showLogs' },
      { label: '$(settings) ' + vscode.l10n.t('Open Settings'), command: 'switchboard.openSettings' },
    ]),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Switchboard' });
  if (picked) await vscode.commands.executeCommand(picked.command);
}

/** Registers every command; returns their disposables. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const table: Record<string, (...args: unknown[]) => unknown> = {
    'switchboard.start': async () => { const s = await deps.controller.start(); notifyState(s, deps); return s; },
    'switchboard.stop': () => deps.controller.stop(),
    'switchboard.restart': async () => { const s = await deps.controller.restart(); notifyState(s, deps); return s; },
    'switchboard.showLogs': () => { deps.channel.show(true); },
    'switchboard.copyBaseUrl': () => copyBaseUrl(deps),
    'switchboard.copyGatewayKey': () => copyGatewayKey(deps),
    'switchboard.addProvider': async (args?: unknown) => {
      try {
        const r = await addProvider(deps.secrets, args);
        if (r && args === undefined) {
          void vscode.window.showInformationMessage(vscode.l10n.t('Provider "{0}" saved.', r.providerId));
        }
        await deps.controller.apply();
        return r;
      } catch (err) {
        void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
        return undefined;
      }
    },
    'switchboard.openPanel': () => deps.openPanel(),
    'switchboard.openSettings': () => openSwitchboardSettings(),
    [STATUS_COMMAND]: () => showActions(deps),
  };
  return Object.entries(table).map(([id, run]) => vscode.commands.registerCommand(id, run));
}
