/** Anthropic error bodies and stream `error` frames ↔ GatewayError. */
import { GatewayError, kindForStatus, type ErrorKind } from '../../core/errors';
import type { EncodedError } from '../types';
import { isRecord, type AnthropicErrorBody } from './wire';

const TYPE_BY_KIND: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  auth: 'authentication_error',
  permission: 'permission_error',
  not_found: 'not_found_error',
  rate_limit: 'rate_limit_error',
  overloaded: 'overloaded_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
  cancelled: 'api_error',
  internal: 'api_error',
};

/** Anthropic error types, each with its kind and the status Anthropic uses for it. */
const KIND_BY_TYPE: Record<string, { kind: ErrorKind; status: number }> = {
  invalid_request_error: { kind: 'invalid_request', status: 400 },
  authentication_error: { kind: 'auth', status: 401 },
  billing_error: { kind: 'permission', status: 402 },
  permission_error: { kind: 'permission', status: 403 },
  not_found_error: { kind: 'not_found', status: 404 },
  request_too_large: { kind: 'invalid_request', status: 413 },
  rate_limit_error: { kind: 'rate_limit', status: 429 },
  api_error: { kind: 'upstream', status: 500 },
  timeout_error: { kind: 'timeout', status: 504 },
  overloaded_error: { kind: 'overloaded', status: 529 },
};

/** The Anthropic error type for a GatewayError (413 → request_too_large; an upstream's own type is kept). */
export function anthropicErrorType(err: GatewayError): string {
  const upstream = err.info.upstreamType;
  if (upstream && upstream in KIND_BY_TYPE && KIND_BY_TYPE[upstream]!.kind === err.kind) return upstream;
  if (err.status === 413) return 'request_too_large';
  return TYPE_BY_KIND[err.kind];
}

/** GatewayError → `{type:'error', error:{type, message}}`, its status, and the `event: error` frame. */
export function encodeError(err: GatewayError): EncodedError {
  const body: AnthropicErrorBody = { type: 'error', error: { type: anthropicErrorType(err), message: err.message } };
  return { status: err.status, body, frame: { event: 'error', data: JSON.stringify(body) } };
}

/** Parses `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The status Anthropic uses for an error type (for stream `error` frames, which carry no status). */
export function statusForErrorType(type: string | undefined): number {
  return (type && KIND_BY_TYPE[type]?.status) || 500;
}

function parseBody(body: unknown): { type?: string; message?: string } {
  let value = body;
  if (typeof body === 'string') {
    try { value = JSON.parse(body); } catch { return { message: body.slice(0, 500) || undefined }; }
  }
  if (!isRecord(value)) return {};
  const inner = isRecord(value.error) ? value.error : value;
  return {
    type: typeof inner.type === 'string' && inner.type !== 'error' ? inner.type : undefined,
    message: typeof inner.message === 'string' ? inner.message : undefined,
  };
}

/** An upstream Anthropic error response → GatewayError (kind from the error type, else from the status). */
export function decodeError(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): GatewayError {
  const { type, message } = parseBody(body);
  const known = type ? KIND_BY_TYPE[type] : undefined;
  let kind: ErrorKind = known?.kind ?? kindForStatus(status);
  let code: string | undefined;
  const text = message ?? `Anthropic upstream returned HTTP ${status}`;
  // Anthropic reports context overflow as a plain 400 "prompt is too long: N tokens > M maximum".
  if (/prompt is too long|context window|too many (input )?tokens/i.test(text)) { kind = 'invalid_request'; code = 'context_length_exceeded'; }
  return new GatewayError(kind, text, {
    status: status > 0 ? status : known?.status,
    code,
    upstreamType: type,
    retryAfterMs: parseRetryAfter(headers),
  });
}
