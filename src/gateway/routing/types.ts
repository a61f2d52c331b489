/** Contracts of the routing layer: model mapping, upstream key pools and failover. */
import type { GatewayError } from '../core/errors';
import type { ModelMapping } from '../config';

/** One upstream key. `secret` is sent upstream and nowhere else: never logged, never in a header back. */
export interface UpstreamKey {
  /** Stable id within its provider (index-based or label-based). */
  readonly id: string;
  /** Human label; what logs, headers and the UI show. */
  readonly label: string;
  readonly secret: string;
}

/** What the UI may see of an upstream key. */
export interface KeyState {
  id: string;
  label: string;
  /** Last four characters, e.g. `…a1b2`. */
  hint: string;
  status: 'ok' | 'cooling' | 'invalid';
  /** Per model, when cooling (epoch ms). */
  cooldowns: Array<{ model: string; until: number }>;
  lastError?: string;
}

/** Where a request may go: a provider id and the model name the upstream knows. */
export interface Target { providerId: string; upstreamModel: string }

/** The outcome of mapping a requested model. */
export interface Resolution {
  requested: string;
  /** Ordered fallback chain; never empty. */
  targets: Target[];
  /** The rule that matched, if a mapping rule did (else the model was found in a provider's list). */
  rule?: ModelMapping;
}

/** The outcome of one upstream attempt, as the key pool learns it. */
export type AttemptOutcome = { ok: true } | { ok: false; error: GatewayError };

/** One attempt as listed in an `all_upstreams_failed` error. */
export interface AttemptRecord { providerId: string; model: string; keyLabel?: string; status?: number; error: string }
