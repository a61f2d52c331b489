/** GatewayError ↔ OpenAI error bodies (`{"error":{message,type,param,code}}`), for responses and stream frames. */
import type { ErrorKind, ErrorInfo } from '../../core/errors';
import { GatewayError, kindForStatus } from '../../core/errors';
import type { EncodedError } from '../types';
import type { OpenAIChatErrorBody } from './wire';
import { isRecord, num, parseJson, str } from './narrow';

const TYPE_BY_KIND: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  auth: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  rate_limit: 'rate_limit_error',
  overloaded: 'server_error',
  upstream: 'api_error',
  timeout: 'server_error',
  cancelled: 'invalid_request_error',
  internal: 'server_error',
};

const DEFAULT_CODE: Record<ErrorKind, string | null> = {
  invalid_request: null,
  auth: 'invalid_api_key',
  permission: 'permission_denied',
  not_found: 'model_not_found',
  rate_limit: 'rate_limit_exceeded',
  overloaded: 'server_overloaded',
  upstream: 'upstream_error',
  timeout: 'timeout',
  cancelled: 'request_cancelled',
  internal: 'internal_error',
};

/** OpenAI error types a client may branch on; an upstream type from this set is passed through as is. */
const OPENAI_TYPES: ReadonlySet<string> = new Set([...Object.values(TYPE_BY_KIND), 'insufficient_quota', 'tokens']);

const KIND_BY_TYPE: Record<string, ErrorKind> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'auth',
  permission_error: 'permission',
  not_found_error: 'not_found',
  rate_limit_error: 'rate_limit',
  insufficient_quota: 'rate_limit',
  overloaded_error: 'overloaded',
  server_error: 'upstream',
  api_error: 'upstream',
};

/** GatewayError → OpenAI error body, HTTP status and the `data: {"error":…}` stream frame. */
export function encodeError(err: GatewayError): EncodedError {
  const upstreamType = err.info.upstreamType;
  const type = upstreamType !== undefined && OPENAI_TYPES.has(upstreamType) ? upstreamType : TYPE_BY_KIND[err.kind];
  const body: OpenAIChatErrorBody = {
    error: { message: err.message, type, param: err.info.param ?? null, code: err.code ?? DEFAULT_CODE[err.kind] },
  };
  return { status: err.status, body, frame: { data: JSON.stringify(body) } };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses OpenAI's "Please try again in 1m20.5s" / "in 200ms" hints. */
export function retryAfterFromMessage(message: string): number | undefined {
  const m = /try again in\s+((?:\d+(?:\.\d+)?(?:ms|s|m|h))+)/i.exec(message);
  if (!m) return undefined;
  let total = 0;
  for (const [, n, unit] of m[1]!.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/gi)) total += Number(n) * UNIT_MS[unit!.toLowerCase()]!;
  return Math.ceil(total);
}

/** Reads `retry-after-ms`, then `retry-after` (seconds or an HTTP date). */
export function retryAfterFromHeaders(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (header(headers, 'retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const ra = header(headers, 'retry-after');
  if (ra === undefined || ra.trim() === '') return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The `error` object of a body in any of the shapes OpenAI-compatible servers use. */
function errorObject(body: unknown): Record<string, unknown> | undefined {
  const parsed = typeof body === 'string' ? parseJson(body) ?? body : body;
  const first = Array.isArray(parsed) ? parsed[0] : parsed; // Gemini's OpenAI layer wraps errors in an array
  if (!isRecord(first)) return typeof first === 'string' && first.trim() ? { message: first.trim().slice(0, 1000) } : undefined;
  if (isRecord(first.error)) return first.error;
  if (typeof first.error === 'string') return { ...first, message: first.error };
  return typeof first.message === 'string' ? first : undefined;
}

function isContextOverflow(code: string | undefined, message: string): boolean {
  return code === 'context_length_exceeded' || /maximum context length|context window|context_length_exceeded/i.test(message);
}

/** Builds a GatewayError from an OpenAI error object and the kind implied by its status or type. */
function toGatewayError(
  kind: ErrorKind, status: number | undefined, obj: Record<string, unknown> | undefined, retryAfterMs?: number,
): GatewayError {
  const rawCode = obj?.code;
  const code = typeof rawCode === 'string' ? rawCode : typeof rawCode === 'number' ? String(rawCode) : undefined;
  const message = str(obj?.message) ?? (status ? `Upstream returned HTTP ${status}` : 'Upstream error');
  const info: ErrorInfo = {};
  // Upstream 4xx statuses reach the caller as they are; 5xx map to the gateway's own status for the kind.
  if (status !== undefined && status < 500) info.status = status;
  if (code !== undefined) info.code = code;
  const param = str(obj?.param);
  if (param !== undefined) info.param = param;
  const type = str(obj?.type);
  if (type !== undefined) info.upstreamType = type;
  if (isContextOverflow(code, message)) {
    return new GatewayError('invalid_request', message, { ...info, status: 400, retryable: false });
  }
  const hint = retryAfterMs ?? retryAfterFromMessage(message);
  if (hint !== undefined) info.retryAfterMs = hint;
  return new GatewayError(kind, message, info);
}

/** An upstream error response (status, JSON or text body, headers) → GatewayError with retry hints. */
export function decodeError(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): GatewayError {
  return toGatewayError(kindForStatus(status), status, errorObject(body), retryAfterFromHeaders(headers));
}

/** A `{"error":…}` chunk inside a stream → GatewayError; the kind comes from the type or a numeric code. */
export function decodeStreamError(obj: Record<string, unknown>): GatewayError {
  const type = str(obj.type);
  const numericCode = num(obj.code) ?? (typeof obj.code === 'string' && /^\d{3}$/.test(obj.code) ? Number(obj.code) : undefined);
  const kind = (type !== undefined ? KIND_BY_TYPE[type] : undefined)
    ?? (numericCode !== undefined ? kindForStatus(numericCode) : 'upstream');
  return toGatewayError(kind, undefined, obj);
}
