/** The object `activate()` returns: enough for tests and other extensions to find and observe the gateway. No secrets. */
import type { GatewayState } from './gateway-state';
import type { KeyIndexEntry } from './secrets';

/** Switchboard's extension API (`vscode.extensions.getExtension('switchboard-dev.switchboard').exports`). */
export interface SwitchboardApi {
  /** The bound port while running. */
  readonly port: number | undefined;
  /** `http://127.0.0.1:<port>` while running. */
  readonly baseUrl: string | undefined;
  /** The current lifecycle state. */
  state(): GatewayState;
  /** Subscribes to state changes. */
  onDidChangeState(listener: (state: GatewayState) => void): { dispose(): void };
  /** What the status bar item shows now. */
  statusBar(): { text: string; tooltip: string };
  /** Indexed upstream keys of a provider (ids, labels, hints). */
  providerKeys(providerId: string): KeyIndexEntry[];
  /** Whether SecretStorage holds exactly `candidate` for that key; answers yes/no, never the secret. */
  secretMatches(providerId: string, keyId: string, candidate: string): Promise<boolean>;
  /** Deletes an upstream key. */
  removeProviderKey(providerId: string, keyId: string): Promise<boolean>;
  /** How long `activate()` took, in ms (logged to the output channel too). */
  readonly activationMs: number | undefined;
  /** Where Configure … writes a client's config (follows HOME, CODEX_HOME, XDG_CONFIG_HOME). */
  clientConfigPath(client: 'codex' | 'claude-code' | 'kilo-code'): string;
  /** JSON of everything the extension keeps in globalState (tests check no secret is in it). */
  globalStateJson(): string;
}
