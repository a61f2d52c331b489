/** Renders any error in the caller's protocol, with the right status and Retry-After. */
import type { IncomingHttpHeaders } from 'node:http';
import type Koa from 'koa';
import { GatewayError } from '../../core/errors';
import type { ProtocolId } from '../../core/model';
import { protocols } from '../../protocols';
import type { Logger } from '../../ports';

/**
 * The protocol errors are rendered in before a route has said (auth and guard errors): by path, else Anthropic
 * clients by their `anthropic-version` header.
 */
export function guessProtocol(path: string, headers: IncomingHttpHeaders): ProtocolId {
  if (headers['anthropic-version'] || /^(\/v1)?\/messages(\/|$)/.test(path)) return 'anthropic-messages';
  if (/^(\/v1)?\/v1beta\//.test(path)) return 'gemini';
  if (/^(\/v1)?\/responses(\/|$)/.test(path)) return 'openai-responses';
  return 'openai-chat';
}

/** An error as the caller's protocol answers it. */
export interface RenderedError { status: number; body: unknown; headers: Record<string, string> }

/** Renders `err` in `protocol`. */
export function renderError(err: GatewayError, protocol: ProtocolId): RenderedError {
  const encoded = protocols[protocol].encodeError(err);
  const headers: Record<string, string> = {};
  // Claude Code retries a 401 for minutes unless told not to; a wrong key should fail at once.
  if (encoded.status === 401) headers['x-should-retry'] = 'false';
  if (err.info.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.info.retryAfterMs / 1000)));
  return { status: encoded.status, body: encoded.body, headers };
}

/** Any thrown value as a GatewayError; unknown errors become 500s whose message carries no internals beyond the text. */
export function asGatewayError(e: unknown, logger: Logger, path: string): GatewayError {
  const err = GatewayError.is(e) ? e : new GatewayError('internal', `Internal error: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  if (err.kind === 'internal') logger.error('request failed', { path, error: err.message, stack: e instanceof Error ? e.stack : undefined });
  return err;
}

/** First Koa middleware: catches everything below it. */
export function errorBoundary(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      const err = asGatewayError(e, logger, ctx.path);
      const protocol = (ctx.state as { protocol?: ProtocolId }).protocol ?? guessProtocol(ctx.path, ctx.headers);
      if (ctx.headerSent || ctx.respond === false) return;
      const rendered = renderError(err, protocol);
      ctx.status = rendered.status;
      ctx.body = rendered.body;
      ctx.set(rendered.headers);
    }
  };
}
