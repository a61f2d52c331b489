/**
 * Errors in OpenAI's shape: `{error:{message,type,param,code}}` bodies, `response.failed` stream frames with the
 * `error.code`s Codex maps (codex-rs/codex-api/src/sse/responses.rs), and upstream error bodies → GatewayError.
 */
import { GatewayError, kindForStatus, type ErrorKind } from '../../core/errors';
import type { EncodedError } from '../types';
import { generateId } from '../../core/ids';
import { isObject } from './normalize';
import type { OpenAIResponsesErrorBody, OpenAIResponsesResponseError } from './wire';

const TYPE_BY_KIND: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error', auth: 'authentication_error', permission: 'permission_error',
  not_found: 'not_found_error', rate_limit: 'rate_limit_error', overloaded: 'server_error', upstream: 'server_error',
  timeout: 'timeout_error', cancelled: 'cancelled', internal: 'server_error',
};

const CONTEXT_RE = /context[_ ]length|context window|maximum context|prompt is too long|too many tokens|input is too long/i;

/** True when an error means the prompt does not fit the model. */
export function isContextLengthError(err: GatewayError): boolean {
  return err.code === 'context_length_exceeded' || (err.kind === 'invalid_request' && CONTEXT_RE.test(err.message));
}

/** "Please try again in Ns." text for a retry delay; Codex parses this to schedule its retry. */
function retryHint(ms: number | undefined): string {
  return ms === undefined ? '' : ` Please try again in ${Math.max(1, Math.ceil(ms / 1000))}s.`;
}

/** The `error` of a `response.failed` event, with a code Codex understands. */
export function failedErrorFor(err: GatewayError): OpenAIResponsesResponseError {
  if (isContextLengthError(err)) return { code: 'context_length_exceeded', message: err.message };
  if (err.code === 'insufficient_quota') return { code: 'insufficient_quota', message: err.message };
  if (err.kind === 'rate_limit') {
    const hint = /try again in/i.test(err.message) ? '' : retryHint(err.info.retryAfterMs);
    return { code: 'rate_limit_exceeded', message: err.message + hint };
  }
  // invalid_prompt makes Codex fail the turn instead of retrying a request that cannot succeed.
  if (err.kind === 'invalid_request') return { code: 'invalid_prompt', message: err.message };
  return { code: 'server_error', message: err.message };
}

/** Renders a GatewayError as an OpenAI error body and a `response.failed` frame. */
export function encodeResponsesError(err: GatewayError): EncodedError {
  const body: OpenAIResponsesErrorBody = {
    error: {
      message: err.message,
      type: err.info.upstreamType ?? TYPE_BY_KIND[err.kind],
      param: err.info.param ?? null,
      code: err.code ?? (isContextLengthError(err) ? 'context_length_exceeded' : err.kind === 'rate_limit' ? 'rate_limit_exceeded' : null),
    },
  };
  const data = {
    type: 'response.failed',
    sequence_number: 0,
    response: {
      id: generateId('resp_'), object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'failed',
      error: failedErrorFor(err), incomplete_details: null, output: [], usage: null,
    },
  };
  return { status: err.status, body, frame: { event: 'response.failed', data: JSON.stringify(data) } };
}

/** Parses "try again in 20s", "in 1.5s", "in 600ms", "in 1m30s" → milliseconds. */
export function parseRetryText(text: string): number | undefined {
  const m = /try again in\s+((?:\d+(?:\.\d+)?\s*(?:ms|s|m|h)\s*)+)/i.exec(text);
  return m?.[1] ? parseDuration(m[1]) : undefined;
}

function parseDuration(s: string): number | undefined {
  let total = 0;
  let matched = false;
  for (const [, n, unit] of s.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h)/g)) {
    matched = true;
    const v = Number(n);
    total += unit === 'ms' ? v : unit === 's' ? v * 1000 : unit === 'm' ? v * 60_000 : v * 3_600_000;
  }
  return matched ? Math.round(total) : undefined;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Retry delay from headers: retry-after-ms, retry-after (seconds or HTTP date), then x-ratelimit-reset-*. */
export function retryAfterFromHeaders(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && Number.isFinite(Number(ms))) return Number(ms);
  const ra = header(headers, 'retry-after');
  if (ra !== undefined) {
    if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.round(Number(ra) * 1000);
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  for (const name of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const v = header(headers, name);
    const parsed = v !== undefined ? parseDuration(v) : undefined;
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

/** Builds a GatewayError from an OpenAI error code + message (bodies and stream `error`/`response.failed`). */
export function errorFromOpenAI(status: number, message: string, fields: { code?: string; type?: string; param?: string; retryAfterMs?: number }): GatewayError {
  let kind = kindForStatus(status);
  const code = fields.code;
  if (code === 'context_length_exceeded' || (code === undefined && CONTEXT_RE.test(message))) kind = 'invalid_request';
  else if (code === 'rate_limit_exceeded') kind = 'rate_limit';
  else if (code === 'insufficient_quota') kind = 'rate_limit';
  else if (code === 'server_error' && status < 500) kind = 'upstream';
  const retryAfterMs = fields.retryAfterMs ?? parseRetryText(message);
  return new GatewayError(kind, message, {
    status,
    code: code ?? (kind === 'invalid_request' && CONTEXT_RE.test(message) ? 'context_length_exceeded' : undefined),
    param: fields.param,
    upstreamType: fields.type,
    retryAfterMs,
    // A spent quota does not come back by waiting: move on to another key instead of retrying this one.
    retryable: code === 'insufficient_quota' ? false : undefined,
  });
}

/** Decodes an upstream error response. */
export function decodeResponsesError(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): GatewayError {
  const e = isObject(body) && isObject(body.error) ? body.error : isObject(body) ? body : undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const message = str(e?.message) ?? (typeof body === 'string' && body !== '' ? body.slice(0, 2000) : `Upstream returned HTTP ${status}`);
  return errorFromOpenAI(status, message, {
    code: str(e?.code), type: str(e?.type), param: str(e?.param), retryAfterMs: retryAfterFromHeaders(headers),
  });
}
