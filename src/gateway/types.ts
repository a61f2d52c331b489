/** The public surface of the gateway core, used by the CLI and the VS Code host alike. */
import type { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';
import type { GatewayConfig } from './config';
import type { Clock, Logger } from './ports';
import type { UsageRecord } from './policy/types';
import type { KeyState } from './routing/types';
import type { KeyStore } from './policy/key-store';
import type { UsageStore } from './usage/usage-store';
import type { Inspector } from './inspector/inspector';
import type { Explanation } from './routing/model-mapper';

/** What it takes to build a gateway. */
export interface GatewayOptions {
  config: GatewayConfig;
  /** Folder for persistent state (gateway keys, usage). Created if missing. */
  dataDir: string;
  logger?: Logger;
  clock?: Clock;
  /** Overrides the upstream dispatcher (e.g. an undici ProxyAgent from VS Code's `http.proxy`). */
  dispatcher?: Dispatcher;
  /** Reported by `/health` identity checks. */
  version?: string;
  /**
   * The gateway keys of `dataDir`, when the embedder keeps its own store of them (the VS Code host does, for the
   * panel and the default key): the gateway then uses it instead of opening a second one, and leaves closing it
   * to the embedder.
   */
  keyStore?: KeyStore;
}

/** Events a gateway emits. */
export interface GatewayEvents {
  /** A request finished (success or failure). */
  request: [UsageRecord];
  /** The number of requests in flight changed. */
  inflight: [number];
}

/** A running (or stoppable) gateway. */
export interface Gateway {
  /** Starts listening; rejects with an error whose `code` is `EADDRINUSE` when the port is taken. */
  start(): Promise<void>;
  /** Stops accepting, waits for in-flight requests up to `graceMs` (default 5 s), then closes. */
  stop(graceMs?: number): Promise<void>;
  /** Applies a new configuration; re-binds only when host or port changed. In-flight requests finish on the old one. */
  reconfigure(config: GatewayConfig): Promise<void>;
  /** The bound port (after start). */
  readonly port: number;
  /** `http://127.0.0.1:<port>` (or the configured host). */
  readonly baseUrl: string;
  readonly config: GatewayConfig;
  readonly events: EventEmitter<GatewayEvents>;
  /** Gateway keys (persisted in the data folder; changes apply at once). */
  readonly keys: KeyStore;
  /** Usage accounting (persisted in the data folder). */
  readonly usage: UsageStore;
  /** The opt-in request inspector. */
  readonly inspector: Inspector;
  /** Which mapping rule wins for `model`, and where it goes (the panel's "try a model name" box). */
  explainModel(model: string): Explanation;
  /** Requests in flight now. */
  inFlight(): number;
  /** Upstream key states per provider id, for the UI. */
  upstreamKeyStates(): Record<string, KeyState[]>;
}
