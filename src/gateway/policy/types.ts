/** Contracts of the access policy: gateway keys, limits, quotas and usage accounting. */

/** The request kinds the policy distinguishes (some do not count against RPM/RPD). */
export type EndpointKind = 'chat' | 'completions' | 'embeddings' | 'count_tokens' | 'models' | 'usage';

/** One finished request, as accounted. Never holds a secret. */
export interface UsageRecord {
  /** Epoch ms when the request started. */
  time: number;
  requestId: string;
  endpoint: EndpointKind;
  /** Inbound protocol id. */
  protocol: string;
  keyId?: string;
  keyName?: string;
  /** Model the caller asked for. */
  model: string;
  /** Model sent upstream. */
  mappedModel?: string;
  provider?: string;
  /** The upstream key's label (never the key). */
  upstreamKey?: string;
  status: number;
  errorCode?: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  latencyMs: number;
  /** Time to first token/byte, for streams. */
  ttftMs?: number;
  stream: boolean;
}

/** Whether a gateway key may be used. */
export type GatewayKeyStatus = 'active' | 'disabled';

/** The limits a gateway key carries; absent means unlimited. */
export interface GatewayKeyLimits {
  /** Allowed model globs (absent or empty: all models). See policy/model-glob.ts for the matching rules. */
  models?: string[];
  /**
   * Denied model globs; deny wins over allow. Unlike `models`, they also apply to every target a requested model
   * maps to (matched against the upstream model and `providerId/upstreamModel`).
   */
  denyModels?: string[];
  /** Requests per minute (sliding 60 s window). */
  rpm?: number;
  /** Requests per local calendar day. */
  rpd?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Total tokens (input + output) over the key's life. */
  quotaTokens?: number;
  /** Tokens per local calendar day. */
  quotaTokensPerDay?: number;
  /** Total spend in currency units, priced with the configured per-model prices. */
  quotaSpend?: number;
  /** Largest token limit (max_tokens and the like) a request may ask for. */
  maxTokens?: number;
}

/** A stored gateway key. Holds the key's hash, never the key. */
export interface GatewayKeyRecord extends GatewayKeyLimits {
  id: string;
  name: string;
  status: GatewayKeyStatus;
  /** Epoch ms. */
  createdAt: number;
  lastUsedAt?: number;
  expiresAt?: number;
  /** The key's last 4 characters, to tell keys apart in lists. */
  hint: string;
}

/** A gateway key as the policy sees an authenticated caller. Shared by the key's requests: never change one. */
export interface Principal {
  readonly keyId: string;
  readonly keyName: string;
  readonly key: Readonly<GatewayKeyRecord>;
}

/**
 * Whether a caller may reach one target of a routed model (a provider and the model name sent upstream): true
 * when it may. Structural, so the policy needs nothing from the routing layer.
 */
export type TargetFilter = (target: { readonly providerId: string; readonly upstreamModel: string }) => boolean;
