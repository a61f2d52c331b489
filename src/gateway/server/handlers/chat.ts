/** The chat route handler shared by every inbound protocol. */
import type Koa from 'koa';
import type { ProtocolId } from '../../core/model';
import type { EndpointKind } from '../../policy/types';
import { protocols } from '../../protocols';
import type { InboundContext } from '../../protocols/types';
import { runChat } from '../../pipeline/chat';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import { serveModelRequest } from '../serve';

const RAW_MODE = (ctx: Koa.Context) => ctx.get('x-codex-mode').toLowerCase() === 'raw' || ctx.get('x-codex-raw-passthrough').toLowerCase() === 'true';

/** Picks a key that keeps one conversation on one upstream key (warm prompt caches). */
function affinityOf(ctx: Koa.Context, body: Record<string, unknown>): string | undefined {
  const header = ctx.get('session_id') || ctx.get('x-claude-code-session-id') || ctx.get('x-session-id');
  if (header) return header;
  return typeof body.prompt_cache_key === 'string' ? body.prompt_cache_key : undefined;
}

/** Builds the inbound context codecs read. */
export function inboundOf(ctx: Koa.Context): InboundContext {
  return { params: (ctx as unknown as { params?: Record<string, string> }).params ?? {}, headers: ctx.headers, query: ctx.query };
}

/** Handles a chat request of `protocol`: decode, admit, route, answer, account. */
export function chatHandler(sc: ServerContext, protocol: ProtocolId, endpoint: EndpointKind = 'chat'): Koa.Middleware {
  return async (ctx) => {
    ctx.state.protocol = protocol;
    let body = await readJsonBody(ctx.req, sc.config().server.bodyLimit);
    const defaultInstructions = sc.config().defaultInstructions;
    if (protocol === 'openai-responses' && defaultInstructions && !body.instructions) body = { ...body, instructions: defaultInstructions };
    const inbound = inboundOf(ctx);
    const codec = protocols[protocol];
    const canonical = codec.decodeRequest(body, inbound);
    const summary = codec.summarize(body, inbound);
    const requestId = ctx.state.requestId as string;
    const trace = sc.inspector.begin(requestId, protocol, canonical.model, ctx.method, ctx.url, ctx.headers, sc.inspector.enabled ? JSON.stringify(body) : '');
    await serveModelRequest(sc, ctx, {
      endpoint, protocol, model: canonical.model, maxTokens: summary.maxTokens, stream: canonical.stream, trace,
      run: (signal) => runChat(sc.pipeline(), { protocol, body, inbound, canonical, raw: RAW_MODE(ctx), trace }, signal, affinityOf(ctx, body)),
    });
  };
}
