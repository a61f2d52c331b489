/** Inspector actions on a captured request: a curl command (placeholder key) and a replay over HTTP (real key). */
import type { InspectorEntry } from '../../gateway/inspector/inspector';
import { shellQuote } from '../../shared/client-setups';

/** The env variable the curl command reads the gateway key from; the command itself never holds a key. */
export const CURL_KEY_VARIABLE = 'SWITCHBOARD_API_KEY';

/** Headers not worth repeating: hop-by-hop, computed by curl/fetch, or auth (re-added from the key). */
const DROP = /^(host|connection|content-length|transfer-encoding|keep-alive|accept-encoding|authorization|x-api-key|x-goog-api-key|proxy-authorization|cookie|origin|referer|user-agent|sec-.*)$/i;

/** The captured path without a `?key=` query parameter (Gemini REST auth), which the inspector had redacted. */
export function replayPath(entry: InspectorEntry): string {
  const [p, q] = entry.inbound.path.split('?', 2) as [string, string | undefined];
  const rest = q === undefined ? [] : q.split('&').filter((kv) => kv !== '' && !/^key=/.test(kv));
  return rest.length ? `${p}?${rest.join('&')}` : p;
}

/** The header the client's protocol sends a key in, for `key` (a literal or a shell reference). */
export function authHeader(protocol: string, key: string): [string, string] {
  if (protocol === 'anthropic') return ['x-api-key', key];
  if (protocol === 'gemini') return ['x-goog-api-key', key];
  return ['authorization', `Bearer ${key}`];
}

/** Headers to send again (without auth and hop-by-hop headers). */
export function replayHeaders(entry: InspectorEntry): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry.inbound.headers)) if (!DROP.test(k) && v !== '[redacted]') out[k.toLowerCase()] = v;
  return out;
}

/** A curl command re-sending the request to `baseUrl`; the key is `$SWITCHBOARD_API_KEY`, expanded by the shell. */
export function curlCommand(entry: InspectorEntry, baseUrl: string): string {
  const url = baseUrl.replace(/\/+$/, '') + replayPath(entry);
  const [name, value] = authHeader(entry.protocol, `$${CURL_KEY_VARIABLE}`);
  const lines = [`curl -sS -X ${entry.inbound.method} ${shellQuote(url)}`];
  // Double quotes so the shell expands the variable; the value holds nothing else the shell would touch.
  lines.push(`-H "${name}: ${value}"`);
  for (const [k, v] of Object.entries(replayHeaders(entry))) lines.push(`-H ${shellQuote(`${k}: ${v}`)}`);
  if (entry.inbound.body !== '') lines.push(`--data-raw ${shellQuote(entry.inbound.body)}`);
  return lines.join(' \\\n  ');
}

/** What a replay did. */
export interface ReplayResult { status: number; latencyMs: number }

/** Sends the captured inbound request to the gateway again with `key`; reads the answer to its end. */
export async function replayRequest(entry: InspectorEntry, baseUrl: string, key: string, timeoutMs = 120_000): Promise<ReplayResult> {
  if (entry.inbound.truncated) throw new Error('the captured body was truncated, so it cannot be replayed');
  const [name, value] = authHeader(entry.protocol, key);
  const started = Date.now();
  const method = entry.inbound.method.toUpperCase();
  const res = await fetch(baseUrl.replace(/\/+$/, '') + replayPath(entry), {
    method,
    headers: { ...replayHeaders(entry), [name]: value },
    body: method === 'GET' || method === 'HEAD' || entry.inbound.body === '' ? undefined : entry.inbound.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer();
  return { status: res.status, latencyMs: Date.now() - started };
}
