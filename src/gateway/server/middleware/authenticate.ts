/** Resolves the caller's gateway key (Bearer, x-api-key, x-goog-api-key, ?key=) into a principal. */
import type { IncomingHttpHeaders } from 'node:http';
import type Koa from 'koa';
import { keyRequired } from '../../policy/auth-mode';
import { extractKey } from '../../policy/extract-key';
import type { Principal } from '../../policy/types';
import type { ServerContext } from '../context';

/** Paths that never need a gateway key in the default auth mode. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/health', '/healthz', '/', '/api/hello']);

/** The caller behind a request, or the documented 401/403 error (thrown). */
export function principalOf(sc: ServerContext, path: string, headers: IncomingHttpHeaders, querystring: string): Principal | undefined {
  const { server } = sc.config();
  const required = keyRequired(server.authMode, { health: HEALTH_PATHS.has(path), boundHost: server.host });
  return sc.access.authenticate(extractKey(headers, querystring || undefined), { requireKey: required });
}

/** Sets `ctx.state.principal`, or throws the documented 401/403 error. */
export function authenticate(sc: ServerContext): Koa.Middleware {
  return (ctx, next) => {
    ctx.state.principal = principalOf(sc, ctx.path, ctx.headers, ctx.querystring);
    return next();
  };
}
