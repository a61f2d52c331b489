/** The chat route handler shared by every inbound protocol. */
import type { ProtocolId } from '../../core/model';
import type { EndpointKind } from '../../policy/types';
import { protocols } from '../../protocols';
import { runChat } from '../../pipeline/chat';
import type { CallerRequest } from '../../pipeline/prepare';
import { readJson } from '../body';
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
    const read = await readJson(ex.req, sc.config().server.bodyLimit);
    let body = read.body;
    // The caller's own text goes upstream (model replaced) unless the gateway changed the body.
    let text: string | undefined = read.text;
    const defaultInstructions = sc.config().defaultInstructions;
    if (protocol === 'openai-responses' && defaultInstructions && !body.instructions) { body = { ...body, instructions: defaultInstructions }; text = undefined; }
    const inbound = inboundOf(ex);
    const canonical = protocols[protocol].decodeRequest(body, inbound);
    const trace = sc.inspector.begin(ex.requestId, protocol, canonical.model, ex.method, ex.req.url ?? ex.path, ex.req.headers, sc.inspector.enabled ? text ?? JSON.stringify(body) : '');
    // The request is handed to the pipeline once and not kept: a stream may last minutes, and a thousand open
    // streams each holding its request (text, parsed body, canonical form) measurably raised peak memory.
    let caller: CallerRequest | undefined = { protocol, body, text, inbound, canonical, raw: rawMode(ex), trace };
    const affinity = affinityOf(ex, body);
    return serveModelRequest(sc, ex, {
      endpoint, protocol, model: canonical.model, maxTokens: canonical.maxTokens, stream: canonical.stream, trace,
      run: (signal, allow) => {
        const request = caller!;
        caller = undefined;
        return runChat(sc.pipeline(), request, signal, affinity, allow);
      },
    });
  };
}
