/** Resolves the caller's gateway key (Bearer, x-api-key, x-goog-api-key, ?key=) into a principal. */
import type Koa from 'koa';
import { keyRequired } from '../../policy/auth-mode';
import { extractKey } from '../../policy/extract-key';
import type { ServerContext } from '../context';
import { HEALTH_PATHS } from '../routes';

/** Sets `ctx.state.principal`, or throws the documented 401/403 error. */
export function authenticate(sc: ServerContext): Koa.Middleware {
  return (ctx, next) => {
    const { server } = sc.config();
    const required = keyRequired(server.authMode, { health: HEALTH_PATHS.has(ctx.path), boundHost: server.host });
    ctx.state.principal = sc.access.authenticate(extractKey(ctx.headers, ctx.querystring), { requireKey: required });
    return next();
  };
}
