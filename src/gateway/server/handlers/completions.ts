/**
 * POST /v1/completions (legacy). When the model's first target is an OpenAI or OpenAI-compatible provider, the body
 * goes to its `/completions` unchanged but for the model (every legacy feature works: batches, token prompts,
 * suffix, logprobs). Otherwise the prompt becomes one user message served by the chat pipeline in the openai-chat
 * protocol, and the chat answer is re-encoded as `text_completion` objects or chunks.
 */
import type { CancelSignal } from '../../core/cancel';
import { GatewayError } from '../../core/errors';
import type { Usage } from '../../core/model';
import { isOpenAIFamily, runDirectCall } from '../../pipeline/direct-call';
import { runChat, type ChatOutcome, type PipelineDeps } from '../../pipeline/chat';
import { resolveModel } from '../../pipeline/resolve';
import { protocols } from '../../protocols';
import { passthroughBody, passthroughStream } from '../../protocols/openai-completions/passthrough';
import { echoPrefix, toChatBody, validateCompletionRequest } from '../../protocols/openai-completions/request';
import { encodeCompletionResponse } from '../../protocols/openai-completions/response';
import { encodeCompletionStream } from '../../protocols/openai-completions/stream';
import { usageFromJson } from '../../pipeline/usage-tap';
import type { InboundContext } from '../../protocols/types';
import type { TargetFilter } from '../../policy/types';
import { readJsonBody } from '../body';
import type { ServerContext } from '../context';
import { inboundOf } from '../exchange';
import { serveModelRequest } from '../serve';
import type { ModelHandler } from './chat';

type Json = Record<string, unknown>;

/** What a served request produced, in the caller's shape. */
type Served = ChatOutcome;

/** Whether the model's first target (the first the caller may reach) can take `/completions` itself. */
async function servedNatively(deps: PipelineDeps, model: string, allow: TargetFilter | undefined): Promise<boolean> {
  const targets = (await resolveModel(deps, model))?.targets;
  const first = allow === undefined ? targets?.[0] : targets?.find(allow);
  const provider = first ? deps.providers.get(first.providerId) : undefined;
  return provider !== undefined && isOpenAIFamily(provider);
}

async function servePassthrough(deps: PipelineDeps, body: Json, inbound: InboundContext, signal: CancelSignal, allow: TargetFilter | undefined): Promise<Served> {
  const stream = body.stream === true;
  const model = body.model as string;
  const { committed, routed } = await runDirectCall(deps, {
    model, inbound, signal, allow,
    // Only OpenAI-family targets of the chain have /completions; the others are skipped (see the file comment).
    build: (p, m) => (isOpenAIFamily(p) ? { protocol: 'openai-chat', path: '/completions', body: passthroughBody(body, m), stream } : undefined),
    unsupported: () => new GatewayError('invalid_request', `No provider of '${model}' serves /completions`, { code: 'completions_not_supported', param: 'model' }),
  });
  if (committed.kind === 'json') {
    let usage: Usage | undefined;
    try { usage = usageFromJson('openai-chat', JSON.parse(committed.text) as Json); } catch { /* not JSON: passed on as-is */ }
    return { kind: 'json', status: committed.status, body: committed.text, contentType: 'application/json', routed, usage };
  }
  return { kind: 'sse', routed, ...passthroughStream(committed.sse, body, routed.providerId) };
}

async function serveTranslated(deps: PipelineDeps, body: Json, inbound: InboundContext, signal: CancelSignal, allow: TargetFilter | undefined): Promise<Served> {
  const chatBody = toChatBody(body);
  const canonical = protocols['openai-chat'].decodeRequest(chatBody, inbound);
  const outcome = await runChat(deps, { protocol: 'openai-chat', body: chatBody, inbound, canonical, raw: false }, signal, undefined, allow);
  const prefix = echoPrefix(body);
  if (outcome.kind === 'json') {
    let chat: unknown;
    try { chat = JSON.parse(outcome.body); } catch {
      throw new GatewayError('upstream', `${outcome.routed.providerId} answered with a body that is not JSON`, { code: 'bad_upstream_response' });
    }
    return { kind: 'json', status: outcome.status, body: JSON.stringify(encodeCompletionResponse(chat, prefix)), contentType: 'application/json', routed: outcome.routed, usage: outcome.usage };
  }
  const encoder = encodeCompletionStream(prefix);
  const chat = outcome;
  async function* frames(): AsyncGenerator<string> {
    for await (const f of chat.frames) { const out = encoder.push(f); if (out) yield out; }
    const tail = encoder.finish();
    if (tail) yield tail;
  }
  return { kind: 'sse', routed: outcome.routed, frames: frames(), usage: outcome.usage, failed: outcome.failed };
}

/** Handles a legacy completions request: validate, admit, serve (pass-through or translated), account. */
export function completionsHandler(sc: ServerContext): ModelHandler {
  return async (ex) => {
    ex.protocol = 'openai-chat';
    const body = await readJsonBody(ex.req, sc.config().server.bodyLimit);
    validateCompletionRequest(body);
    const model = body.model as string;
    const stream = body.stream === true;
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : undefined;
    await serveModelRequest(sc, ex, {
      endpoint: 'completions', protocol: 'openai-chat', model, maxTokens, stream,
      run: async (signal, allow) => {
        const deps = sc.pipeline();
        const inbound = inboundOf(ex);
        return (await servedNatively(deps, model, allow))
          ? servePassthrough(deps, body, inbound, signal, allow)
          : serveTranslated(deps, body, inbound, signal, allow);
      },
    });
  };
}
