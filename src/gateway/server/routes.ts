/** The Koa route table: every route outside the model lane (server/model-lane.ts), with and without `/v1`. */
import Router from '@koa/router';
import type Koa from 'koa';
import { invalidRequest } from '../core/errors';
import type { ServerContext } from './context';
import { healthJson, healthText } from './handlers/health';
import { geminiModelsHandler, modelsHandler } from './handlers/models';
import { usageHandler } from './handlers/usage';

const both = (path: string): string[] => [path, `/v1${path}`];

/** Builds the router. */
export function buildRouter(sc: ServerContext): Router {
  const router = new Router();
  router.get('/health', healthText);
  router.get('/healthz', healthJson(sc));
  router.head('/', (ctx: Koa.Context) => { ctx.status = 200; ctx.body = ''; });
  router.get('/', healthText);
  // Claude Code's start-up connection probe.
  router.all('/api/hello', healthText);
  router.get(both('/models'), modelsHandler(sc));
  router.get(['/v1beta/models', '/v1/v1beta/models'], geminiModelsHandler(sc));
  router.get(both('/usage'), usageHandler(sc));
  router.post(both('/responses/compact'), () => { throw invalidRequest('/responses/compact is not supported by this gateway', undefined, 'unsupported_endpoint'); });
  return router;
}
