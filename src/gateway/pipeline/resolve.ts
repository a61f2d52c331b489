/** Mapping a requested model to its targets, shared by every endpoint that routes. */
import { GatewayError } from '../core/errors';
import { modelNotAllowed } from '../policy/access-policy';
import type { TargetFilter } from '../policy/types';
import type { Resolution, Target } from '../routing/types';
import type { PipelineDeps } from './chat';

/** The 404 for a model that no mapping or provider serves. */
export function modelNotFound(model: string): GatewayError {
  return new GatewayError('not_found', `The model '${model}' does not exist or no provider serves it`, { code: 'model_not_found', param: 'model' });
}

/** The targets of `model`, re-reading discovered model lists once when nothing routes it; undefined if still nothing. */
export async function resolveModel(deps: Pick<PipelineDeps, 'resolve' | 'refreshModels'>, model: string): Promise<Resolution | undefined> {
  const found = deps.resolve(model);
  if (found || !deps.refreshModels) return found;
  await deps.refreshModels();
  return deps.resolve(model);
}

/**
 * The targets of `model` the caller may reach (all of them when `allow` is undefined: a key without a deny list
 * pays nothing). Throws 403 model_not_allowed, naming the model asked for, when the key's deny list covers every
 * target.
 */
export function allowedTargets(model: string, targets: Target[], allow: TargetFilter | undefined): Target[] {
  if (allow === undefined) return targets;
  // Nearly always every target is allowed: keep the resolution's own array then.
  if (targets.every(allow)) return targets;
  const open = targets.filter(allow);
  if (open.length === 0) throw modelNotAllowed(model);
  return open;
}

/**
 * Refuses `model` (403 model_not_allowed) when it routes only to targets `allow` denies. Run before admission so
 * that the refusal consumes nothing. Only what routes now is checked: re-reading model lists would call upstreams
 * for a request that may yet be refused, so a model nothing routes yet passes here (the pipeline refreshes, then
 * answers 404, or applies `allow` to what it found).
 */
export function refuseDeniedTargets(deps: Pick<PipelineDeps, 'resolve'>, model: string, allow: TargetFilter): void {
  const resolution = deps.resolve(model);
  if (resolution) allowedTargets(model, resolution.targets, allow);
}
