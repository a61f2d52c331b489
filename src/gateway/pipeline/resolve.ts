/** Mapping a requested model to its targets, shared by every endpoint that routes. */
import { GatewayError } from '../core/errors';
import type { Resolution } from '../routing/types';
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
