/** The gateway's configuration (the JSON config file, or what the VS Code settings build). */
import type { ProviderType } from './providers/types';

/** An upstream key: a literal, `"env:VAR"`, or a labelled entry. Labels name keys in logs and headers. */
export type KeyEntry = string | { label: string; key: string };

/** Per-model metadata used by `/v1/models`, client setups and usage costs. */
export interface ModelInfo {
  id: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  inputModalities?: Array<'text' | 'image' | 'audio' | 'video' | 'pdf'>;
  /** Prices in currency units per million tokens. */
  prices?: { input?: number; output?: number; cachedInput?: number };
}

/** Connect, first-byte and idle timeouts in milliseconds. */
export interface TimeoutConfig { connectMs?: number; firstByteMs?: number; idleMs?: number }

/** One upstream provider. */
export interface ProviderConfig {
  id: string;
  type: ProviderType;
  baseUrl?: string;
  keys: KeyEntry[];
  headers?: Record<string, string>;
  /** Served models; when absent they are discovered from the upstream's model list. */
  models?: Array<string | ModelInfo>;
  timeouts?: TimeoutConfig;
  /** For `openai-compatible`: the server also speaks the Responses API natively. */
  responses?: boolean;
  /** Extra quirk names to apply (see providers/quirks). */
  quirks?: string[];
  /** Disabled providers are kept in config but never routed to. */
  enabled?: boolean;
}

/** A model-mapping rule: `from` (exact or glob) → `"provider/model"` or a fallback chain of them. */
export interface ModelMapping { from: string; to: string | string[] }

/** A per-model request rule applied after translation. */
export interface RequestRule {
  /** Glob over the upstream model (or `provider/model`). */
  match: string;
  /** Set when absent. Keys are dotted wire paths, e.g. `reasoning.effort`. */
  default?: Record<string, unknown>;
  /** Always set. */
  force?: Record<string, unknown>;
  /** Remove. */
  remove?: string[];
}

/** How gateway keys are required. */
export type AuthMode = 'all_except_health' | 'all' | 'auto' | 'off';

/** The HTTP server. */
export interface ServerConfig {
  host: string;
  port: number;
  authMode: AuthMode;
  /** Browser origins allowed to call the gateway (empty: none). */
  allowedOrigins: string[];
  /** Extra Host header values accepted besides loopback names and the bound host. */
  allowedHosts: string[];
  /** Largest request body in bytes. */
  bodyLimit: number;
}

/** Retry and failover policy. */
export interface RoutingConfig {
  maxAttempts: number;
  /** Total time budget across attempts, in ms. */
  deadlineMs: number;
  /** Default cooldown of a rate-limited key when the upstream gives no hint, in ms. */
  cooldownMs: number;
}

/** The whole configuration, with defaults applied. */
export interface GatewayConfig {
  server: ServerConfig;
  providers: ProviderConfig[];
  modelMappings: ModelMapping[];
  requestRules: RequestRule[];
  routing: RoutingConfig;
  /** Default `instructions` for Responses requests that carry none. */
  defaultInstructions?: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
}

/** The configuration as written by a user: everything but providers optional. */
export type GatewayConfigInput = Partial<Omit<GatewayConfig, 'server' | 'routing'>> & {
  server?: Partial<ServerConfig>;
  routing?: Partial<RoutingConfig>;
  $schema?: string;
};

/** The default port, documented in the README. */
export const DEFAULT_PORT = 4848;

/** Fills defaults into a validated input. */
export function withDefaults(input: GatewayConfigInput): GatewayConfig {
  return {
    server: {
      host: '127.0.0.1', port: DEFAULT_PORT, authMode: 'all_except_health', allowedOrigins: [], allowedHosts: [],
      bodyLimit: 32 * 1024 * 1024, ...input.server,
    },
    providers: input.providers ?? [],
    modelMappings: input.modelMappings ?? [],
    requestRules: input.requestRules ?? [],
    routing: { maxAttempts: 3, deadlineMs: 120_000, cooldownMs: 30_000, ...input.routing },
    defaultInstructions: input.defaultInstructions,
    logLevel: input.logLevel ?? 'info',
  };
}
