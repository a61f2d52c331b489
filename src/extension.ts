/** Extension entry: activate/deactivate only. Everything else is built by the composition root. */
import * as vscode from 'vscode';
import type { SwitchboardApi } from './host/api';
import { redactText } from './gateway/redact';
import { createHostServices, type HostServices } from './host/services';

let services: HostServices | undefined;

/** Builds the host services and returns the extension API (no secrets in it). */
export async function activate(context: vscode.ExtensionContext): Promise<SwitchboardApi | undefined> {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Switchboard', { log: true });
  context.subscriptions.push(channel);
  try {
    services = await createHostServices(context, channel);
    context.subscriptions.push(services);
    const ms = Math.round(performance.now() - started);
    services.setActivationMs(ms);
    channel.info(`activated in ${ms} ms (no network I/O; the gateway starts in the background)`);
    return services.api;
  } catch (err) {
    // Redacted by pattern only: the secrets service may not exist yet.
    channel.error(redactText(`activation failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`));
    const showLogs = vscode.l10n.t('Show Logs');
    const message = redactText(err instanceof Error ? err.message : String(err));
    void vscode.window.showErrorMessage(vscode.l10n.t('Switchboard failed to start: {0}', message), showLogs)
      .then((choice) => { if (choice === showLogs) channel.show(true); });
    return undefined;
  }
}

/** Stops the gateway and frees its port before the extension host exits. */
export async function deactivate(): Promise<void> {
  const s = services;
  services = undefined;
  await s?.shutdown();
}
