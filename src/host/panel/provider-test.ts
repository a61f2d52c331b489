/** "Test" on a provider: one cheap upstream call (GET its model list) with its first key, bounded in time. */
import { request, type Dispatcher } from 'undici';
import type { ProviderConfig } from '../../gateway/config';
import { parseModelList } from '../../gateway/providers/discovery';
import { providerSpecs } from '../../gateway/providers';
import { authHeaders } from '../../gateway/providers/runtime';
import { maskSecrets, resolveKeys } from '../../gateway/routing/upstream-keys';

/** What the panel shows after a test; `message` never holds a key. */
export interface ProviderTestResult { ok: boolean; message: string; latencyMs?: number }

/** Options of {@link testProvider}. */
export interface ProviderTestOptions {
  /** Whole-call cap (headers and body). Default 10 s. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  env?: NodeJS.ProcessEnv;
}

/** Calls the provider's model list once; ok on a 200 with a parseable list. */
export async function testProvider(config: ProviderConfig, opts: ProviderTestOptions = {}): Promise<ProviderTestResult> {
  const spec = providerSpecs[config.type];
  if (!spec) return { ok: false, message: `Unknown provider type "${String(config.type)}".` };
  if (!spec.modelsPath) return { ok: false, message: `${spec.label} has no model list to test against.` };
  const keys = resolveKeys(config.keys, opts.env ?? process.env);
  const key = keys[0];
  const secrets = keys.map((k) => k.secret);
  const url = (config.baseUrl ?? spec.defaultBaseUrl).replace(/\/+$/, '') + spec.modelsPath;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const started = Date.now();
  try {
    const res = await request(url, {
      method: 'GET', dispatcher: opts.dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json', ...spec.defaultHeaders, ...config.headers, ...(key ? authHeaders(spec, key.secret) : {}) },
    });
    const text = await res.body.text();
    const latencyMs = Date.now() - started;
    const keyNote = key ? ` with key "${key.label}"` : ' without a key';
    if (res.statusCode !== 200) {
      // Upstream error bodies sometimes echo the key back; mask before showing anything.
      const detail = maskSecrets(text.replace(/\s+/g, ' ').trim().slice(0, 200), secrets);
      return { ok: false, latencyMs, message: `HTTP ${res.statusCode}${keyNote}${detail ? `: ${detail}` : ''}` };
    }
    let count: number;
    try { count = parseModelList(JSON.parse(text)).length; } catch { return { ok: false, latencyMs, message: `HTTP 200${keyNote}, but the model list is not JSON.` }; }
    return { ok: true, latencyMs, message: `OK${keyNote}: ${count} model${count === 1 ? '' : 's'} listed.` };
  } catch (e) {
    const msg = e instanceof Error ? (e.name === 'TimeoutError' || /timeout/i.test(e.message) ? `no answer within ${timeoutMs} ms` : e.message) : String(e);
    return { ok: false, latencyMs: Date.now() - started, message: maskSecrets(`Request failed: ${msg}`, secrets) };
  }
}
