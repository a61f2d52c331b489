/** The chat route handler shared by every inbound protocol. */
import type { ProtocolId } from '../../core/model';
import type { EndpointKind } from '../../policy/types';
import { protocols } from '../../protocols';
import { runChat } from '../../pipeline/chat';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import { headerOf, inboundOf, type Exchange } from '../exchange';
import { serveModelRequest } from '../serve';

/** A model route: what the model lane calls once the caller is guarded and authenticated. */
export type ModelHandler = (ex: Exchange) => Promise<void>;

const rawMode = (ex: Exchange): boolean =>
  headerOf(ex, 'x-codex-mode').toLowerCase() === 'raw' || headerOf(ex, 'x-codex-raw-passthrough').toLowerCase() === 'true';

/** Picks a key that keeps one conversation on one upstream key (warm prompt caches). */
function affinityOf(ex: Exchange, body: Record<string, unknown>): string | undefined {
  const header = headerOf(ex, 'session_id') || headerOf(ex, 'x-claude-code-session-id') || headerOf(ex, 'x-session-id');
  if (header) return header;
  return typeof body.prompt_cache_key === 'string' ? body.prompt_cache_key : undefined;
}

/** Handles a chat request of `protocol`: decode, admit, route, answer, account. */
export function chatHandler(sc: ServerContext, protocol: ProtocolId, endpoint: EndpointKind = 'chat'): ModelHandler {
  return async (ex) => {
    ex.protocol = protocol;
    let body = await readJsonBody(ex.req, sc.config().server.bodyLimit);
    const defaultInstructions = sc.config().defaultInstructions;
    if (protocol === 'openai-responses' && defaultInstructions && !body.instructions) body = { ...body, instructions: defaultInstructions };
    const inbound = inboundOf(ex);
    const codec = protocols[protocol];
    const canonical = codec.decodeRequest(body, inbound);
    const summary = codec.summarize(body, inbound);
    const trace = sc.inspector.begin(ex.requestId, protocol, canonical.model, ex.method, ex.req.url ?? ex.path, ex.req.headers, sc.inspector.enabled ? JSON.stringify(body) : '');
    await serveModelRequest(sc, ex, {
      endpoint, protocol, model: canonical.model, maxTokens: summary.maxTokens, stream: canonical.stream, trace,
      run: (signal) => runChat(sc.pipeline(), { protocol, body, inbound, canonical, raw: rawMode(ex), trace }, signal, affinityOf(ex, body)),
    });
  };
}
