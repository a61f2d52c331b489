/** The one error type of the gateway; each inbound codec renders it in its own wire format. */

/** What went wrong, independent of protocol. */
export type ErrorKind =
  | 'invalid_request'
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'rate_limit'
  | 'overloaded'
  | 'upstream'
  | 'timeout'
  | 'cancelled'
  | 'internal';

/** Optional details of a GatewayError. */
export interface ErrorInfo {
  /** HTTP status to answer with; defaults by kind. */
  status?: number;
  /** Machine-readable code (`error.code` on OpenAI endpoints), e.g. `invalid_json`, `model_not_found`. */
  code?: string;
  /** The offending request field, e.g. `messages[3].content`. */
  param?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  provider?: string;
  /** The upstream's own error type string, kept for faithful re-encoding. */
  upstreamType?: string;
  cause?: unknown;
}

const MARK = Symbol.for('switchboard/GatewayError');

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid_request: 400, auth: 401, permission: 403, not_found: 404, rate_limit: 429,
  overloaded: 529, upstream: 502, timeout: 504, cancelled: 499, internal: 500,
};
const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set(['rate_limit', 'overloaded', 'upstream', 'timeout']);

/** A failure with a protocol-neutral kind, an HTTP status and an optional machine code. */
export class GatewayError extends Error {
  readonly [MARK] = true;
  constructor(readonly kind: ErrorKind, message: string, readonly info: ErrorInfo = {}) {
    super(message, { cause: info.cause });
    this.name = 'GatewayError';
  }
  get status(): number { return this.info.status ?? STATUS_BY_KIND[this.kind]; }
  get code(): string | undefined { return this.info.code; }
  get retryable(): boolean { return this.info.retryable ?? RETRYABLE_KINDS.has(this.kind); }
  static is(e: unknown): e is GatewayError { return typeof e === 'object' && e !== null && MARK in e; }
}

/** Maps an HTTP status from an upstream to an error kind. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 400 || status === 413 || status === 422) return 'invalid_request';
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rate_limit';
  if (status === 503 || status === 529) return 'overloaded';
  return status >= 500 ? 'upstream' : 'invalid_request';
}

/** Shorthand for a 400 `invalid_request` error naming the field at fault. */
export function invalidRequest(message: string, param?: string, code?: string): GatewayError {
  return new GatewayError('invalid_request', message, { param, code: code ?? 'invalid_request_error' });
}
