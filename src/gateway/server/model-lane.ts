/**
 * The HTTP server's front door. Model routes (chat completions, responses, messages, count_tokens, completions,
 * embeddings, Gemini models/{model}:{action}) are the hot path and are served here on Node's own request and
 * response; every other request (health, model lists, usage, unknown paths) goes to the Koa app. Both sides run
 * the same guard, authentication and error rendering (server/middleware/). Why: measured under load, Koa's
 * per-request context, delegates, middleware chain and router cost ~20 µs per request — a fifth of what a bare
 * node:http + undici proxy spends on a whole request (bench/README.md).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { GatewayError } from '../core/errors';
import type { ServerContext } from './context';
import { newRequestId, type Exchange } from './exchange';
import { chatHandler, type ModelHandler } from './handlers/chat';
import { completionsHandler } from './handlers/completions';
import { countTokensHandler } from './handlers/count-tokens';
import { embeddingsHandler } from './handlers/embeddings';
import { geminiHandler } from './handlers/gemini';
import { principalOf } from './middleware/authenticate';
import { guardRequest } from './middleware/browser-guard';
import { asGatewayError, guessProtocol, renderError } from './middleware/error-boundary';
import { JSON_TYPE, sendBody } from './respond';

const GEMINI_PREFIXES = ['/v1beta/models/', '/v1/v1beta/models/'];

/** The model routes by path, each with and without the `/v1` prefix. */
function modelRoutes(sc: ServerContext): Map<string, ModelHandler> {
  const routes = new Map<string, ModelHandler>();
  const both = (path: string, handler: ModelHandler): void => { routes.set(path, handler); routes.set(`/v1${path}`, handler); };
  both('/chat/completions', chatHandler(sc, 'openai-chat'));
  both('/responses', chatHandler(sc, 'openai-responses'));
  both('/messages', chatHandler(sc, 'anthropic-messages'));
  both('/messages/count_tokens', countTokensHandler(sc));
  both('/completions', completionsHandler(sc));
  both('/embeddings', embeddingsHandler(sc));
  return routes;
}

/** The route of `path` (trailing slash and letter case ignored, as the Koa router does) with its parameters. */
function routeOf(routes: Map<string, ModelHandler>, gemini: ModelHandler, path: string): { handler: ModelHandler; params: Record<string, string> } | undefined {
  const handler = routes.get(path);
  if (handler) return { handler, params: {} };
  let p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const lower = p.toLowerCase();
  const again = routes.get(lower);
  if (again) return { handler: again, params: {} };
  for (const prefix of GEMINI_PREFIXES) {
    if (!lower.startsWith(prefix)) continue;
    p = p.slice(prefix.length);
    if (!p || p.includes('/')) return undefined;
    // A malformed escape stays as sent (the Gemini handler then rejects the name), as the Koa router did.
    let target = p;
    try { target = decodeURIComponent(p); } catch { /* kept raw */ }
    return { handler: gemini, params: { target } };
  }
  return undefined;
}

/**
 * Path and query of a request target: origin-form (`/v1/chat/completions?x`), or absolute-form
 * (`http://127.0.0.1:4000/v1/…`, sent by clients that take the gateway for an HTTP proxy); a fragment is dropped.
 */
export function splitTarget(url: string): { path: string; querystring: string } {
  let rest = url;
  if (!rest.startsWith('/')) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
    rest = m ? rest.slice(m[0].length) || '/' : rest;
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  return q === -1 ? { path: rest, querystring: '' } : { path: rest.slice(0, q), querystring: rest.slice(q + 1) };
}

/** The server's request listener: model routes here, the rest to `koa`. */
export function frontDoor(sc: ServerContext, koa: RequestListener): RequestListener {
  const routes = modelRoutes(sc);
  const gemini = geminiHandler(sc);

  const fail = (ex: Exchange, e: unknown): void => {
    const res = ex.res;
    try {
      const err = asGatewayError(e, sc.logger, ex.path);
      // Mid-stream failures are written by the stream itself; a cut-off answer must not look complete.
      if (res.headersSent) { if (!res.writableEnded) res.destroy(); return; }
      const rendered = renderError(err, ex.protocol ?? guessProtocol(ex.path, ex.req.headers));
      sendBody(res, rendered.status, rendered.body, JSON_TYPE, rendered.headers);
    } catch {
      res.destroy();
    }
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    // The common target (`/path`, maybe `?query`) is split inline; anything else takes the general parser.
    const q = url.indexOf('?');
    const { path, querystring } = url.charCodeAt(0) === 47 && !url.includes('#')
      ? (q === -1 ? { path: url, querystring: '' } : { path: url.slice(0, q), querystring: url.slice(q + 1) })
      : splitTarget(url);
    const route = routeOf(routes, gemini, path);
    if (!route) { koa(req, res); return; }
    const method = req.method ?? 'GET';
    const ex: Exchange = { req, res, method, path, querystring, requestId: newRequestId(), params: route.params };
    try {
      const verdict = guardRequest(sc, method, req.headers);
      if (verdict.kind === 'refuse') throw verdict.error;
      if (verdict.headers) for (const name in verdict.headers) res.setHeader(name, verdict.headers[name]!);
      if (verdict.kind === 'preflight') { res.statusCode = 204; res.end(); return; }
      ex.principal = principalOf(sc, path, req.headers, ex.querystring);
      if (method !== 'POST') {
        res.setHeader('allow', 'POST');
        if (method === 'OPTIONS') { res.statusCode = 200; res.end(); return; }
        throw new GatewayError('invalid_request', `${method} is not allowed on ${path}; send a POST`, { status: 405, code: 'method_not_allowed' });
      }
      route.handler(ex).catch((e: unknown) => fail(ex, e));
    } catch (e) {
      fail(ex, e);
    }
  };
}
