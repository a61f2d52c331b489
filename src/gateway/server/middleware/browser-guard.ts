/** Stops web pages from using the gateway: foreign Origin, DNS-rebound Host, and non-JSON (blind CSRF) POSTs. */
import type Koa from 'koa';
import { checkContentType, checkHost, checkOrigin } from '../../policy/browser-guard';
import type { ServerContext } from '../context';

/** Rejects before any body is read or any upstream is called. */
export function browserGuard(sc: ServerContext): Koa.Middleware {
  return (ctx, next) => {
    const { server } = sc.config();
    const err = checkOrigin(ctx.get('origin') || undefined, server.allowedOrigins)
      ?? checkHost(ctx.get('host') || undefined, { boundHost: server.host, allowedHosts: server.allowedHosts })
      ?? checkContentType(ctx.method, ctx.get('content-type') || undefined);
    if (err) throw err;
    return next();
  };
}
