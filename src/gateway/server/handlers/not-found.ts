/** Unknown routes: 404 in the caller's format, naming the right base URL when the path has a doubled prefix. */
import { GatewayError } from '../../core/errors';

const ENDPOINTS = ['/chat/completions', '/responses', '/messages/count_tokens', '/messages', '/completions', '/embeddings', '/models'];

/** The 404 error for `path`, with a hint when a known endpoint sits under a wrong prefix. */
export function notFoundError(path: string, origin: string): GatewayError {
  const endpoint = ENDPOINTS.find((e) => path.endsWith(e));
  if (endpoint && path !== endpoint && path !== '/v1' + endpoint) {
    const prefix = path.slice(0, -endpoint.length);
    return new GatewayError('not_found',
      `Unknown path '${path}'. The client seems to use the base URL '${origin}${prefix}'; set it to '${origin}/v1' ` +
      `(or '${origin}' for Anthropic clients) so that requests reach '${origin}/v1${endpoint}'.`, { code: 'unknown_route' });
  }
  return new GatewayError('not_found', `Unknown path '${path}'. See /v1/models, /v1/chat/completions, /v1/responses, /v1/messages.`, { code: 'unknown_route' });
}
