/** Assembles the Koa app: error boundary, browser guard, request id, authentication, routes. */
import Koa from 'koa';
import type { ServerContext } from './context';
import { errorBoundary } from './middleware/error-boundary';
import { browserGuard } from './middleware/browser-guard';
import { authenticate } from './middleware/authenticate';
import { buildRouter } from './routes';
import { notFoundError } from './handlers/not-found';

let counter = 0;
const bootId = Date.now().toString(36);

/** Builds the Koa application for `sc`. */
export function buildApp(sc: ServerContext): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  const router = buildRouter(sc);
  app.use(errorBoundary(sc.logger));
  app.use(browserGuard(sc));
  app.use((ctx, next) => { ctx.state.requestId = `req_${bootId}${(++counter).toString(36)}`; return next(); });
  app.use(authenticate(sc));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use((ctx) => {
    if (ctx.status === 404 && ctx.body === undefined) throw notFoundError(ctx.path, `http://${ctx.host}`);
  });
  return app;
}
