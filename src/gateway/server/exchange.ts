/**
 * One request and its response as the model routes see them: Node's own objects plus what the front door worked
 * out (path, request id, principal). Deliberately not a Koa context: the model routes are the hot path, and Koa's
 * per-request context, delegates and middleware chain cost more than a bare pass-through proxy spends in all
 * (see server/model-lane.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProtocolId } from '../core/model';
import type { Principal } from '../policy/types';
import type { InboundContext } from '../protocols/types';

/** Query parameters as Koa's `ctx.query` gives them. */
export type QueryBag = Record<string, string | string[] | undefined>;

/** A request on its way through a model route. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly querystring: string;
  readonly requestId: string;
  principal?: Principal;
  /** The protocol errors are rendered in; set by the route. */
  protocol?: ProtocolId;
  /** Route parameters (Gemini: `model`, `action`). */
  params: Record<string, string>;
}

const NO_QUERY: QueryBag = Object.freeze(Object.create(null) as QueryBag);

/** A request header as one string ('' when absent), like Koa's `ctx.get`. */
export function headerOf(ex: Exchange, name: string): string {
  const v = ex.req.headers[name];
  return v === undefined ? '' : Array.isArray(v) ? v.join(', ') : v;
}

/** The query parameters, parsed (repeated names become arrays, as with Koa's `ctx.query`). */
export function queryOf(ex: Exchange): QueryBag {
  if (!ex.querystring) return NO_QUERY;
  // No prototype: `?constructor=1` or `?__proto__=x` are parameters like any other.
  const out = Object.create(null) as QueryBag;
  for (const [k, v] of new URLSearchParams(ex.querystring)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** What the protocol codecs read of a request. */
export function inboundOf(ex: Exchange): InboundContext {
  return { params: ex.params, headers: ex.req.headers, query: queryOf(ex) };
}

let requestCounter = 0;
const bootId = Date.now().toString(36);

/** A request id unique to this process (`req_<boot><n>`), sent back as `x-request-id` and used by the accounting. */
export function newRequestId(): string {
  return `req_${bootId}${(++requestCounter).toString(36)}`;
}
