/** First middleware: renders any error in the caller's protocol, with the right status and Retry-After. */
import type Koa from 'koa';
import { GatewayError } from '../../core/errors';
import type { ProtocolId } from '../../core/model';
import { protocols } from '../../protocols';
import type { Logger } from '../../ports';

/**
 * The protocol errors are rendered in before a route has said (auth and guard errors): by path, else Anthropic
 * clients by their `anthropic-version` header.
 */
export function guessProtocol(ctx: Koa.Context): ProtocolId {
  if (ctx.get('anthropic-version') || /^(\/v1)?\/messages(\/|$)/.test(ctx.path)) return 'anthropic-messages';
  if (/^(\/v1)?\/v1beta\//.test(ctx.path)) return 'gemini';
  if (/^(\/v1)?\/responses(\/|$)/.test(ctx.path)) return 'openai-responses';
  return 'openai-chat';
}

/** Renders `err` in `protocol` onto the context. */
export function renderError(ctx: Koa.Context, err: GatewayError, protocol: ProtocolId): void {
  const encoded = protocols[protocol].encodeError(err);
  ctx.status = encoded.status;
  ctx.body = encoded.body;
  // Claude Code retries a 401 for minutes unless told not to; a wrong key should fail at once.
  if (encoded.status === 401) ctx.set('x-should-retry', 'false');
  if (err.info.retryAfterMs !== undefined) ctx.set('Retry-After', String(Math.max(1, Math.ceil(err.info.retryAfterMs / 1000))));
}

/** Catches everything below it; unknown errors become 500s whose message carries no internals beyond the text. */
export function errorBoundary(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      const err = GatewayError.is(e) ? e : new GatewayError('internal', `Internal error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      if (err.kind === 'internal') logger.error('request failed', { path: ctx.path, error: err.message, stack: e instanceof Error ? e.stack : undefined });
      const protocol = (ctx.state as { protocol?: ProtocolId }).protocol ?? guessProtocol(ctx);
      if (ctx.headerSent || ctx.respond === false) return;
      renderError(ctx, err, protocol);
    }
  };
}
