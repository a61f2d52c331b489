/** Turns provider configs into runtimes: specs, key pools, pooled dispatchers, timeouts, quirks. */
import type { Dispatcher } from 'undici';
import type { GatewayConfig, ProviderConfig } from '../config';
import { KeyPool, resolveKeys } from '../routing/key-pool';
import { resolveTimeouts } from '../routing/timeouts';
import { createDispatcher } from '../transport/dispatcher';
import { providerSpecs } from './index';
import { quirkByName } from './quirks';
import { modelInfos, type ProviderRuntime } from './runtime';

/** Builds one runtime. An existing runtime's pool is reused when its keys are unchanged (keeps cooldowns). */
export function buildProvider(config: ProviderConfig, gateway: GatewayConfig, previous?: ProviderRuntime, dispatcher?: Dispatcher): ProviderRuntime {
  const spec = providerSpecs[config.type];
  const keys = resolveKeys(config.keys, process.env);
  let pool: KeyPool;
  if (previous && previous.config.type === config.type && sameKeys(previous, keys.map((k) => k.secret))) pool = previous.pool;
  else pool = new KeyPool(keys, { cooldownMs: gateway.routing.cooldownMs });
  const stream = resolveTimeouts(config.timeouts, { stream: true });
  const whole = resolveTimeouts(config.timeouts, { stream: false });
  const reuseDispatcher = previous && previous.timeouts.connectMs === stream.connectMs && !dispatcher;
  return {
    id: config.id,
    config,
    spec,
    baseUrl: (config.baseUrl ?? spec.defaultBaseUrl).replace(/\/+$/, ''),
    pool,
    dispatcher: dispatcher ?? (reuseDispatcher ? previous.dispatcher : createDispatcher({ connectTimeoutMs: stream.connectMs })),
    timeouts: { connectMs: stream.connectMs, firstByteMs: whole.firstByteMs, firstByteStreamMs: stream.firstByteMs, idleMs: stream.idleMs },
    quirks: [...spec.quirks, ...(config.quirks ?? []).map(quirkByName)],
    models: config.models ? modelInfos(config.models) : previous?.models ?? [],
  };
}

function sameKeys(p: ProviderRuntime, secrets: string[]): boolean {
  const current = resolveKeys(p.config.keys, process.env).map((k) => k.secret);
  return current.length === secrets.length && current.every((s, i) => s === secrets[i]);
}
