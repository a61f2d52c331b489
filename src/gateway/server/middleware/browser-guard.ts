/** Stops web pages from using the gateway: foreign Origin, DNS-rebound Host, and non-JSON (blind CSRF) POSTs. */
import type Koa from 'koa';
import { checkContentType, checkHost, checkOrigin } from '../../policy/browser-guard';
import type { ServerContext } from '../context';

const CORS_HEADERS = 'authorization, content-type, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta';

/**
 * Rejects before any body is read or any upstream is called. An origin the user allowed gets CORS headers naming
 * exactly that origin (never a wildcard), and its preflights are answered.
 */
export function browserGuard(sc: ServerContext): Koa.Middleware {
  return (ctx, next) => {
    const { server } = sc.config();
    const origin = ctx.get('origin') || undefined;
    const hostError = checkOrigin(origin, server.allowedOrigins)
      ?? checkHost(ctx.get('host') || undefined, { boundHost: server.host, allowedHosts: server.allowedHosts });
    if (hostError) throw hostError;
    if (origin) {
      ctx.set({ 'access-control-allow-origin': origin, vary: 'Origin' });
      if (ctx.method === 'OPTIONS') {
        ctx.set({ 'access-control-allow-methods': 'GET, POST, HEAD', 'access-control-allow-headers': CORS_HEADERS, 'access-control-max-age': '600' });
        ctx.status = 204;
        return;
      }
    }
    const typeError = checkContentType(ctx.method, ctx.get('content-type') || undefined);
    if (typeError) throw typeError;
    return next();
  };
}
