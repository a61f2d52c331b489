/** POST /v1/completions (placeholder until the legacy/embeddings work lands). */
import type Koa from 'koa';
import { GatewayError } from '../../core/errors';
import type { ServerContext } from '../context';

/** Answers 501 until implemented. */
export function completionsHandler(_sc: ServerContext): Koa.Middleware {
  return () => { throw new GatewayError('invalid_request', '/v1/completions is not available yet', { status: 501, code: 'not_implemented' }); };
}
