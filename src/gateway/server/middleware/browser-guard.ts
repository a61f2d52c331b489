/** Stops web pages from using the gateway: foreign Origin, DNS-rebound Host, and non-JSON (blind CSRF) POSTs. */
import type { IncomingHttpHeaders } from 'node:http';
import type Koa from 'koa';
import type { GatewayError } from '../../core/errors';
import { checkContentType, checkHost, checkOrigin } from '../../policy/browser-guard';
import type { ServerContext } from '../context';

const CORS_HEADERS = 'authorization, content-type, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta';
const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'access-control-allow-methods': 'GET, POST, HEAD', 'access-control-allow-headers': CORS_HEADERS, 'access-control-max-age': '600',
});

/** What the guard decided: refuse, answer a preflight, or pass (with CORS headers for an allowed origin). */
export type GuardVerdict =
  | { kind: 'refuse'; error: GatewayError }
  | { kind: 'preflight'; headers: Record<string, string> }
  | { kind: 'pass'; headers?: Record<string, string> };

const PASS: GuardVerdict = Object.freeze({ kind: 'pass' });

/**
 * Decides before any body is read or any upstream is called. An origin the user allowed gets CORS headers naming
 * exactly that origin (never a wildcard), and its preflights are answered.
 */
export function guardRequest(sc: ServerContext, method: string, headers: IncomingHttpHeaders): GuardVerdict {
  const { server } = sc.config();
  const origin = headers.origin || undefined;
  const hostError = checkOrigin(origin, server.allowedOrigins)
    ?? checkHost(headers.host || undefined, { boundHost: server.host, allowedHosts: server.allowedHosts });
  if (hostError) return { kind: 'refuse', error: hostError };
  const cors = origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : undefined;
  if (cors && method === 'OPTIONS') return { kind: 'preflight', headers: { ...cors, ...PREFLIGHT_HEADERS } };
  const typeError = checkContentType(method, headers['content-type'] || undefined);
  if (typeError) return { kind: 'refuse', error: typeError };
  return cors ? { kind: 'pass', headers: cors } : PASS;
}

/** The guard as Koa middleware (the routes outside the model lane). */
export function browserGuard(sc: ServerContext): Koa.Middleware {
  return (ctx, next) => {
    const verdict = guardRequest(sc, ctx.method, ctx.headers);
    if (verdict.kind === 'refuse') throw verdict.error;
    if (verdict.headers) ctx.set(verdict.headers);
    if (verdict.kind === 'preflight') { ctx.status = 204; return; }
    return next();
  };
}
