/** What the host hands the panel (see src/host/services.ts). */
import type * as vscode from 'vscode';
import type { KeyStore } from '../../gateway/policy/key-store';
import type { Logger } from '../../gateway/ports';
import type { GatewayController } from '../gateway-controller';
import type { HostSecrets } from '../secrets';

/** The services the panel reads and acts on. */
export interface PanelDeps {
  context: vscode.ExtensionContext;
  controller: GatewayController;
  secrets: HostSecrets;
  /** The host's own view of keys.json (used while no gateway runs). */
  keyStore: KeyStore;
  logger: Logger;
  channel: vscode.LogOutputChannel;
  /** The URL clients should use. */
  baseUrl(): string;
}
