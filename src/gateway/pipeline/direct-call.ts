/**
 * A non-chat upstream call (embeddings, legacy completions pass-through) through the gateway's routing: model
 * mapping, key pools and failover, reusing the chat pipeline's single attempt (send, classify errors, commit on the
 * first SSE event). Only targets whose provider can serve the endpoint, and that the caller's key may reach, are
 * tried; the rest are skipped.
 */
import type { CancelSignal } from '../core/cancel';
import { GatewayError } from '../core/errors';
import type { ProtocolId } from '../core/model';
import type { InboundContext } from '../protocols/types';
import type { PipelineDeps, Routed } from './chat';
import { attemptUpstream, type Committed } from './attempt';
import { allowedTargets, modelNotFound, resolveModel } from './resolve';
import type { TargetFilter } from '../policy/types';
import type { CallerRequest, PreparedCall } from './prepare';
import type { ProviderRuntime } from '../providers/runtime';
import { runWithFailover } from '../routing/failover';
import type { Target } from '../routing/types';

/** The upstream request for one target, or undefined when the provider cannot serve the endpoint. */
export interface DirectRequest { protocol: ProtocolId; path: string; body: unknown; stream: boolean }

/** What a direct call needs to know. */
export interface DirectCallOptions {
  /** The model the caller asked for. */
  model: string;
  inbound: InboundContext;
  /** The client's cancellation (an AbortSignal fits). */
  signal: CancelSignal;
  affinity?: string;
  /** Builds the request for a provider and upstream model; undefined means "this provider cannot serve it". */
  build(provider: ProviderRuntime, upstreamModel: string): DirectRequest | undefined;
  /** The error when no target of the model can serve the endpoint. */
  unsupported(): GatewayError;
  /** The caller's target filter (AccessPolicy.targetFilter): denied targets are never attempted. */
  allow?: TargetFilter;
}

/** The committed answer and where it came from. */
export interface DirectResult { committed: Committed; routed: Routed }

/** Resolves the model, keeps the targets that can serve the call, and runs it with failover. */
export async function runDirectCall(deps: PipelineDeps, opts: DirectCallOptions): Promise<DirectResult> {
  const resolution = await resolveModel(deps, opts.model);
  if (!resolution) throw modelNotFound(opts.model);
  const built = new Map<Target, DirectRequest>();
  const plan = allowedTargets(opts.model, resolution.targets, opts.allow).filter((t) => {
    const provider = deps.providers.get(t.providerId);
    const req = provider ? opts.build(provider, t.upstreamModel) : undefined;
    if (req) built.set(t, req);
    return req !== undefined;
  });
  if (plan.length === 0) throw opts.unsupported();
  // attemptUpstream reads the caller only to forward Anthropic protocol headers, which never apply here.
  const caller: CallerRequest = {
    protocol: 'openai-chat', body: {}, inbound: opts.inbound, raw: false,
    canonical: { model: opts.model, messages: [], stream: false },
  };
  const result = await runWithFailover<Committed>(plan, {
    pools: (id) => deps.providers.get(id)?.pool,
    maxAttempts: deps.maxAttempts, deadlineMs: deps.deadlineMs, clock: deps.clock, signal: opts.signal,
    logger: deps.logger, affinity: opts.affinity,
    attempt: async (target, key, signal) => {
      const provider = deps.providers.get(target.providerId);
      const req = built.get(target);
      if (!provider || !req) throw new GatewayError('not_found', `Unknown provider '${target.providerId}'`, { code: 'model_not_found', retryable: true });
      const prepared: PreparedCall = {
        providerId: target.providerId, model: target.upstreamModel, upstreamProtocol: req.protocol, identity: true, path: req.path, body: typeof req.body === 'string' ? req.body : JSON.stringify(req.body),
        stream: req.stream, stripUsageChunk: false, headers: {}, streamQuirks: [],
      };
      return attemptUpstream(caller, prepared, provider, key, signal, deps.dispatcher);
    },
  });
  const routed: Routed = { providerId: result.target.providerId, upstreamModel: result.target.upstreamModel, keyLabel: result.key?.label ?? 'none', identity: true };
  return { committed: result.value, routed };
}

/** Whether a provider speaks OpenAI's own API family (and so has `/completions` and `/embeddings`). */
export function isOpenAIFamily(provider: ProviderRuntime): boolean {
  return provider.spec.type === 'openai' || provider.spec.type === 'openai-compatible';
}
