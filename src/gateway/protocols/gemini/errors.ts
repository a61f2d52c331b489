/** Gemini error bodies (`google.rpc.Status`) ↔ GatewayError. */
import { GatewayError, kindForStatus, type ErrorKind } from '../../core/errors';
import type { EncodedError } from '../types';
import type { GeminiErrorBody } from './wire';

const STATUS_NAME: Record<ErrorKind, string> = {
  invalid_request: 'INVALID_ARGUMENT', auth: 'UNAUTHENTICATED', permission: 'PERMISSION_DENIED', not_found: 'NOT_FOUND',
  rate_limit: 'RESOURCE_EXHAUSTED', overloaded: 'UNAVAILABLE', upstream: 'INTERNAL', timeout: 'DEADLINE_EXCEEDED',
  cancelled: 'CANCELLED', internal: 'INTERNAL',
};

const KIND_BY_STATUS_NAME: Record<string, ErrorKind> = {
  INVALID_ARGUMENT: 'invalid_request', FAILED_PRECONDITION: 'invalid_request', OUT_OF_RANGE: 'invalid_request',
  UNAUTHENTICATED: 'auth', PERMISSION_DENIED: 'permission', NOT_FOUND: 'not_found', RESOURCE_EXHAUSTED: 'rate_limit',
  UNAVAILABLE: 'overloaded', DEADLINE_EXCEEDED: 'timeout', CANCELLED: 'cancelled', INTERNAL: 'upstream',
};

/** GatewayError → Gemini error body and stream frame. Gemini has no 529; overload is 503 UNAVAILABLE there. */
export function encodeGeminiError(err: GatewayError): EncodedError {
  const status = err.kind === 'overloaded' && err.status === 529 ? 503 : err.status;
  const body: GeminiErrorBody = { error: { code: status, message: err.message, status: STATUS_NAME[err.kind] } };
  return { status, body, frame: { data: JSON.stringify(body) } };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `"20s"`, `"1.5s"` → milliseconds (google.protobuf.Duration JSON form). */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function retryAfterHeader(headers: Record<string, string | string[] | undefined>): number | undefined {
  const h = headers['retry-after'];
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/** The error object of a body: plain, wrapped in a stream's JSON array, or given as text. */
function errorObject(body: unknown): Record<string, unknown> | undefined {
  let b = body;
  if (typeof b === 'string') { try { b = JSON.parse(b); } catch { return undefined; } }
  if (Array.isArray(b)) b = b[0];
  return isRecord(b) && isRecord(b.error) ? b.error : undefined;
}

/**
 * Upstream error → GatewayError. Gemini answers a bad key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID);
 * that is reported as `auth`/`invalid_api_key` so the key pool disables the key instead of failing the request.
 */
export function decodeGeminiError(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): GatewayError {
  const e = errorObject(body);
  const message = typeof e?.message === 'string' ? e.message
    : typeof body === 'string' && body ? body.slice(0, 500) : `Gemini upstream error (HTTP ${status})`;
  const statusName = typeof e?.status === 'string' ? e.status : undefined;
  const details = Array.isArray(e?.details) ? e.details.filter(isRecord) : [];
  const reasons = details.map((d) => d.reason).filter((r): r is string => typeof r === 'string');
  let kind: ErrorKind = statusName && status !== 500 ? KIND_BY_STATUS_NAME[statusName] ?? kindForStatus(status) : kindForStatus(status);
  let code: string | undefined;
  if (reasons.includes('API_KEY_INVALID') || /API key not valid/i.test(message)) { kind = 'auth'; code = 'invalid_api_key'; }
  else if (reasons.includes('API_KEY_SERVICE_BLOCKED') || reasons.includes('SERVICE_DISABLED')) kind = 'permission';
  const retryDelay = details.map((d) => parseDuration(d.retryDelay)).find((ms) => ms !== undefined);
  const retryAfterMs = retryDelay ?? retryAfterHeader(headers);
  return new GatewayError(kind, message, {
    status: kind === 'auth' ? 401 : status,
    code: code ?? reasons[0],
    upstreamType: statusName,
    retryAfterMs,
    cause: e,
  });
}
