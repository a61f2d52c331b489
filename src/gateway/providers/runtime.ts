/** A configured provider, ready to serve: its spec, base URL, key pool, dispatcher, timeouts and models. */
import type { Dispatcher } from 'undici';
import type { ModelInfo, ProviderConfig } from '../config';
import type { ProtocolId } from '../core/model';
import type { KeyPool } from '../routing/key-pool';
import type { ProviderSpec, Quirk } from './types';

/** Resolved timeouts in ms; first-byte differs for streamed and whole answers. */
export interface ProviderTimeouts { connectMs: number; firstByteMs: number; firstByteStreamMs: number; idleMs: number }

/** A provider as the pipeline uses it. */
export interface ProviderRuntime {
  readonly id: string;
  readonly config: ProviderConfig;
  readonly spec: ProviderSpec;
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  readonly pool: KeyPool;
  readonly dispatcher: Dispatcher;
  readonly timeouts: ProviderTimeouts;
  /** Spec quirks plus the ones the config names. */
  readonly quirks: Quirk[];
  /** Configured models, or those discovered from the upstream. */
  models: ModelInfo[];
}

/** Whether the provider serves `protocol` natively. */
export function speaks(p: ProviderRuntime, protocol: ProtocolId): boolean {
  if (p.spec.protocol === protocol) return true;
  if (p.spec.alsoServes?.includes(protocol)) return true;
  return protocol === 'openai-responses' && p.config.type === 'openai-compatible' && p.config.responses === true;
}

/** Auth headers for `secret` by the provider's scheme. */
export function authHeaders(spec: ProviderSpec, secret: string): Record<string, string> {
  if (!secret) return {};
  switch (spec.auth) {
    case 'bearer': return { authorization: `Bearer ${secret}` };
    case 'x-api-key': return { 'x-api-key': secret };
    case 'x-goog-api-key': return { 'x-goog-api-key': secret };
  }
}

/** Normalises model entries (strings or objects) to ModelInfo. */
export function modelInfos(models: ProviderConfig['models']): ModelInfo[] {
  return (models ?? []).map((m) => (typeof m === 'string' ? { id: m } : m));
}
