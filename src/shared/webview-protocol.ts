/**
 * The management panel's message contract, shared by the extension host (src/host/settings-panel.ts) and the
 * webview (webview-ui/). No `vscode` and no DOM imports: both sides and plain-Node unit tests compile it.
 *
 * Secrets flow ONE WAY. The webview may send an upstream key exactly once (`key/add`). The host never sends an
 * upstream secret back: keys come back only as `{ keyId, label, hint: '…a1b2' }`. The one exception is a newly
 * created *gateway* key, sent once in `gatewayKey/created` so the user can copy it; the webview shows it
 * transiently and never persists it (no `setState`), and `PanelState` never contains it.
 */
import type { ProviderType } from '../gateway/providers/types';

/** UI languages the panel ships strings for. */
export type PanelLang = 'en' | 'zh-cn';

/** Clients the "Client setup" tab can configure. */
export type SetupClient = 'codex' | 'claude-code' | 'kilo-code';

/** What the provider form edits. Headers are non-secret config (secrets go in keys). */
export interface ProviderForm {
  id: string;
  type: ProviderType;
  /** Empty string means the provider type's default base URL. */
  baseUrl: string;
  headers: Record<string, string>;
  models: string[];
  enabled: boolean;
}

/** What the UI may see of one upstream key: never the secret. */
export interface ProviderKeyView {
  keyId: string;
  label: string;
  /** Last four characters with an ellipsis, e.g. `…a1b2`. */
  hint: string;
  status: 'ok' | 'cooling' | 'invalid';
  /** Epoch ms, when cooling. */
  cooldownUntil?: number;
  lastError?: string;
}

/** One provider as the panel lists it. */
export interface ProviderView extends ProviderForm {
  keys: ProviderKeyView[];
}

/** Gateway key status as the user controls it. */
export type GatewayKeyStatus = 'active' | 'disabled';

/** Per-key limits; absent means unlimited. */
export interface GatewayKeyLimits {
  rpm?: number;
  rpd?: number;
  concurrency?: number;
  quotaTokens?: number;
  maxTokens?: number;
}

/** One gateway (client-facing) key as the panel lists it: the plaintext is never here. */
export interface GatewayKeyView {
  id: string;
  name: string;
  /** e.g. `…9f3c`. */
  hint: string;
  status: GatewayKeyStatus;
  /** Allowed model globs; empty means all. */
  models: string[];
  denyModels: string[];
  limits: GatewayKeyLimits;
  usage: { requests: number; inputTokens: number; outputTokens: number };
  /** ISO timestamps. */
  createdAt: string;
  lastUsedAt?: string;
  expiresAt?: string;
}

/** A model-mapping rule as the panel edits it (`to` is always a list here). */
export interface MappingRule {
  from: string;
  to: string[];
}

/** One request in the live usage table. */
export interface RecentRequest {
  /** ISO timestamp. */
  time: string;
  keyName: string;
  model: string;
  mappedModel: string;
  provider: string;
  /** HTTP status returned to the client. */
  status: number;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

/** Per-day usage totals (`day` is `YYYY-MM-DD`). */
export interface UsageDay {
  day: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  errors: number;
}

/** Usage totals grouped by a name (model or gateway key name). */
export interface UsageGroup {
  name: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/** Aggregated usage the Usage tab charts. */
export interface UsageView {
  days: UsageDay[];
  byModel: UsageGroup[];
  byKey: UsageGroup[];
  /** Newest last. */
  recent: RecentRequest[];
}

/** A ready-made config snippet for one client. */
export interface SetupSnippet {
  client: SetupClient;
  title: string;
  text: string;
}

/** One captured exchange; every body is already redacted by the host. */
export interface InspectorEntry {
  id: string;
  time: string;
  model: string;
  status: number;
  inbound: string;
  upstream: string;
  response: string;
}

/** Gateway process status. */
export interface GatewayStatus {
  running: boolean;
  port?: number;
  baseUrl?: string;
  error?: string;
  inFlight: number;
  todayTokens: number;
}

/** Everything the panel renders; the host sends it whole on every change. Contains no secrets. */
export interface PanelState {
  gateway: GatewayStatus;
  providers: ProviderView[];
  gatewayKeys: GatewayKeyView[];
  mappings: MappingRule[];
  usage: UsageView;
  setups: SetupSnippet[];
  inspector: { enabled: boolean; entries: InspectorEntry[] };
  lang: PanelLang;
}

/** Fields of the gateway key create form. */
export interface GatewayKeyCreate {
  name: string;
  models: string[];
  denyModels: string[];
  rpm?: number;
  rpd?: number;
  concurrency?: number;
  quotaTokens?: number;
  maxTokens?: number;
  /** ISO timestamp. */
  expiresAt?: string;
}

/** Messages the webview posts to the host. */
export type ToHost =
  | { type: 'panel/ready' }
  | { type: 'provider/save'; provider: ProviderForm }
  | { type: 'provider/delete'; id: string }
  | { type: 'provider/test'; id: string }
  /** The ONLY message that carries a secret; the host stores it in SecretStorage and replies with a hint. */
  | { type: 'key/add'; providerId: string; label: string; secret: string }
  | { type: 'key/delete'; providerId: string; keyId: string }
  | ({ type: 'gatewayKey/create' } & GatewayKeyCreate)
  | { type: 'gatewayKey/setStatus'; id: string; status: GatewayKeyStatus }
  | { type: 'gatewayKey/delete'; id: string }
  /** Ask the host to copy the key to the clipboard (only possible while the host still holds the plaintext). */
  | { type: 'gatewayKey/copy'; id: string }
  /** The whole ordered list; order is priority. */
  | { type: 'mapping/save'; mappings: MappingRule[] }
  | { type: 'mapping/try'; model: string }
  | { type: 'setup/copy'; client: SetupClient; keyId?: string; model?: string }
  | { type: 'setup/configure'; client: SetupClient }
  | { type: 'inspector/toggle'; enabled: boolean }
  | { type: 'inspector/replay'; requestId: string }
  | { type: 'inspector/copyCurl'; requestId: string }
  | { type: 'gateway/toggle'; run: boolean };

/** The host's answer to `mapping/try`. */
export type MappingTryResult =
  | { rule?: MappingRule; targets: Array<{ providerId: string; model: string }> }
  | { error: string };

/** Messages the host posts to the webview. */
export type ToWebview =
  /** Full state; upstream keys appear only as `{ keyId, label, hint }`. */
  | { type: 'state/changed'; state: PanelState }
  /** Plaintext of a just-created gateway key, shown once; the webview must not persist it. */
  | { type: 'gatewayKey/created'; id: string; key: string }
  | { type: 'mapping/tried'; model: string; result: MappingTryResult }
  | { type: 'provider/tested'; id: string; ok: boolean; message: string; latencyMs?: number }
  | { type: 'usage/record'; record: RecentRequest }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; text: string };

/** Message type names, handy for validating untrusted input. */
export type ToHostType = ToHost['type'];

/** Exhaustiveness check for `switch (msg.type)`: a new union member becomes a compile error. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}

/** Narrow an unknown posted value to something shaped like a message (the host still validates fields). */
export function isMessage(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
