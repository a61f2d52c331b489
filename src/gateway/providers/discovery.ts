/**
 * Model discovery for providers that list no models: their own model list endpoint, cached, refreshed on demand
 * (when /v1/models is read and the cache is stale, or when a request names a model nobody serves).
 */
import { request } from 'undici';
import type { Logger } from '../ports';
import { authHeaders, type ProviderRuntime } from './runtime';

const STALE_MS = 5 * 60_000;
const TIMEOUT_MS = 5_000;

type Json = Record<string, unknown>;

/** Model ids in an OpenAI/Anthropic (`data[].id`) or Gemini (`models[].name`) list. */
export function parseModelList(body: unknown): string[] {
  const b = (body ?? {}) as Json;
  if (Array.isArray(b.data)) return b.data.map((m) => (m as Json).id).filter((id): id is string => typeof id === 'string');
  if (Array.isArray(b.models)) {
    return b.models.map((m) => (m as Json).name).filter((n): n is string => typeof n === 'string').map((n) => n.replace(/^models\//, ''));
  }
  return [];
}

/** Fetches one provider's model ids. */
export async function fetchModels(p: ProviderRuntime, now: number): Promise<string[]> {
  if (!p.spec.modelsPath) return [];
  const key = p.pool.acquire('*', now);
  const res = await request(p.baseUrl + p.spec.modelsPath, {
    method: 'GET', dispatcher: p.dispatcher, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS,
    headers: { accept: 'application/json', ...p.spec.defaultHeaders, ...p.config.headers, ...(key ? authHeaders(p.spec, key.secret) : {}) },
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${p.id} model list answered ${res.statusCode}`);
  return parseModelList(JSON.parse(text));
}

/** Keeps discovered models per provider and tells the mapper. */
export class ModelDiscovery {
  private readonly fetchedAt = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<void>>();

  constructor(private readonly logger: Logger, private readonly onModels: (p: ProviderRuntime, ids: string[]) => void) {}

  /** Refreshes every provider without configured models whose cache is stale (or all, with `force`). */
  refresh(providers: Iterable<ProviderRuntime>, now: number, force = false): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const p of providers) {
      if (p.config.models || p.config.enabled === false) continue;
      const age = now - (this.fetchedAt.get(p.id) ?? -Infinity);
      if (!force && age < STALE_MS) continue;
      let job = this.inflight.get(p.id);
      if (!job) {
        job = fetchModels(p, now).then(
          (ids) => { this.fetchedAt.set(p.id, now); this.onModels(p, ids); this.logger.debug('discovered models', { provider: p.id, count: ids.length }); },
          (e: unknown) => { this.fetchedAt.set(p.id, now - STALE_MS + 30_000); this.logger.warn('model discovery failed', { provider: p.id, error: e instanceof Error ? e.message : String(e) }); },
        ).finally(() => this.inflight.delete(p.id));
        this.inflight.set(p.id, job);
      }
      jobs.push(job);
    }
    return Promise.all(jobs).then(() => undefined);
  }
}
