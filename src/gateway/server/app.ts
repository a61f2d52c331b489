/** Assembles the Koa app for the routes outside the model lane: error boundary, browser guard, request id, authentication, routes. */
import Koa from 'koa';
import type { ServerContext } from './context';
import { newRequestId } from './exchange';
import { errorBoundary } from './middleware/error-boundary';
import { browserGuard } from './middleware/browser-guard';
import { authenticate } from './middleware/authenticate';
import { buildRouter } from './routes';
import { notFoundError } from './handlers/not-found';

/** Builds the Koa application for `sc`. */
export function buildApp(sc: ServerContext): Koa {
  const app = new Koa({ proxy: false });
  app.silent = true;
  const router = buildRouter(sc);
  app.use(errorBoundary(sc.logger));
  app.use(browserGuard(sc));
  app.use((ctx, next) => { ctx.state.requestId = newRequestId(); return next(); });
  app.use(authenticate(sc));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use((ctx) => {
    if (ctx.status === 404 && ctx.body === undefined) throw notFoundError(ctx.path, `http://${ctx.host}`);
  });
  return app;
}
