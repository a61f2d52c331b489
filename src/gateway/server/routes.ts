/** The inbound route table: every route with and without the `/v1` prefix. */
import Router from '@koa/router';
import type Koa from 'koa';
import { invalidRequest } from '../core/errors';
import type { ServerContext } from './context';
import { chatHandler } from './handlers/chat';
import { countTokensHandler } from './handlers/count-tokens';
import { geminiHandler } from './handlers/gemini';
import { healthJson, healthText } from './handlers/health';
import { geminiModelsHandler, modelsHandler } from './handlers/models';
import { usageHandler } from './handlers/usage';
import { completionsHandler } from './handlers/completions';
import { embeddingsHandler } from './handlers/embeddings';

/** Paths that never need a gateway key in the default auth mode. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/health', '/healthz', '/', '/api/hello']);

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
  router.post(both('/chat/completions'), chatHandler(sc, 'openai-chat'));
  router.post(both('/responses'), chatHandler(sc, 'openai-responses'));
  router.post(both('/messages'), chatHandler(sc, 'anthropic-messages'));
  router.post(both('/messages/count_tokens'), countTokensHandler(sc));
  router.post(both('/completions'), completionsHandler(sc));
  router.post(both('/embeddings'), embeddingsHandler(sc));
  router.post(['/v1beta/models/:target', '/v1/v1beta/models/:target'], geminiHandler(sc));
  router.get(both('/usage'), usageHandler(sc));
  router.post(both('/responses/compact'), () => { throw invalidRequest('/responses/compact is not supported by this gateway', undefined, 'unsupported_endpoint'); });
  return router;
}
