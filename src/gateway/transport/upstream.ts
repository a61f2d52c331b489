/** Sends one upstream HTTP request with undici and classifies transport failures as GatewayErrors. */
import { request, type Dispatcher } from 'undici';
import { GatewayError } from '../core/errors';
import { timeoutError } from '../routing/timeouts';

/** An upstream request, fully built. */
export interface UpstreamRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Serialized body (sent as one buffer: cheaper than streaming a small JSON body). */
  body?: string;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  /** Time allowed until response headers arrive. */
  firstByteMs: number;
  /** Time allowed between body chunks. */
  idleMs: number;
  /** Provider id, for error messages. */
  providerId: string;
}

/** The upstream's answer: status, headers and a body stream. */
export type UpstreamResponse = Dispatcher.ResponseData;

/** Sends the request. Transport failures become retryable GatewayErrors; HTTP statuses are returned as-is. */
export async function sendUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  try {
    return await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: req.dispatcher,
      signal: req.signal,
      headersTimeout: req.firstByteMs,
      bodyTimeout: req.idleMs,
    });
  } catch (e) {
    throw transportError(e, req.providerId, req);
  }
}

/** Maps an undici/network error to a GatewayError (never carrying headers, which hold the key). */
export function transportError(e: unknown, providerId: string, timeouts?: { firstByteMs: number; idleMs: number; connectMs?: number }): GatewayError {
  if (GatewayError.is(e)) return e;
  const code = (e as { code?: string } | undefined)?.code ?? '';
  const name = (e as { name?: string } | undefined)?.name ?? '';
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') {
    return new GatewayError('cancelled', 'The request was cancelled', { provider: providerId, retryable: false });
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT') return timeoutError('first-byte', providerId, timeouts?.firstByteMs ?? 0);
  if (code === 'UND_ERR_BODY_TIMEOUT') return timeoutError('idle', providerId, timeouts?.idleMs ?? 0);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return timeoutError('connect', providerId, timeouts?.connectMs ?? 0);
  const detail = code || (e instanceof Error ? e.message : String(e));
  return new GatewayError('upstream', `Could not reach ${providerId}: ${detail}`, { provider: providerId, code: 'upstream_unreachable', status: 502 });
}
