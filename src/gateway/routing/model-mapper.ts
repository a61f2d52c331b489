/**
 * Maps a requested model name to an ordered chain of (provider, upstream model) targets.
 *
 * Precedence, first hit wins:
 *  1. a rule whose `from` equals the name exactly (earlier rule first);
 *  2. the most specific wildcard rule (most literal characters; ties go to the earlier rule);
 *  3. enabled providers whose model list (configured `models`, else the discovered list) contains the name,
 *     in config order: the first is the target, the others its fallbacks;
 *  4. the `"<provider id>/<model>"` form, where the prefix is an enabled provider's id;
 *  5. the default rule, a `from` made only of `*`.
 * The default rule comes after 3 and 4 on purpose: it is a catch-all for names nothing else knows, and were it
 * to come first, a `*` rule would hide every provider's own models.
 *
 * Targets are `"<provider id>/<upstream model>"`, split at the first `/` because upstream ids contain slashes
 * (`openrouter/anthropic/claude-sonnet-4`). A `*` in the upstream part stands for the whole requested name:
 * `{ from: 'claude-*', to: 'anthropic/*' }` sends `claude-opus-4` to `anthropic/claude-opus-4`. A bare
 * provider id (`'anthropic'`) means the same as `'anthropic/*'`. Targets naming an unknown or disabled provider
 * are dropped from the chain; a rule left with no target is passed over.
 */
import type { ModelMapping, ProviderConfig } from '../config';
import { compileGlob, isGlob, literalCount, type GlobMatcher } from './glob';
import type { Resolution, Target } from './types';

/** How a resolution was reached. */
export type ResolutionVia = 'exact' | 'wildcard' | 'provider-models' | 'provider-prefix' | 'default';

/** Why a model resolved the way it did (for the panel's "try a model name" box and debug logs). */
export interface Explanation {
  requested: string;
  /** Undefined when nothing routes the name. */
  resolution?: Resolution;
  via?: ResolutionVia;
  /** Index of the winning rule in `modelMappings`. */
  ruleIndex?: number;
  /** One sentence for humans. */
  reason: string;
  /** Rules that matched but were passed over because none of their targets is usable. */
  skipped: Array<{ ruleIndex: number; from: string; why: string }>;
}

/** A compiled set of mapping rules over a set of providers. */
export interface ModelMapper {
  /** The targets for `model`, or undefined when nothing routes it. */
  resolve(model: string): Resolution | undefined;
  /** Which rule won for `model`, and why. */
  explain(model: string): Explanation;
  /** The exact (non-glob) `from` names, in config order, for `/v1/models`. */
  listAliases(): string[];
  /** The models a provider serves: its configured list, else what was discovered upstream. */
  providerModels(providerId: string): string[];
  /** Sets the discovered model ids of a provider without a configured `models` list (undefined clears). */
  setDiscovered(providerId: string, modelIds: readonly string[] | undefined): void;
}

interface TargetTemplate { providerId: string; upstream: string }

interface CompiledRule {
  index: number;
  rule: ModelMapping;
  glob: boolean;
  isDefault: boolean;
  specificity: number;
  matches: GlobMatcher;
  targets: TargetTemplate[];
}

const CACHE_LIMIT = 512;

/** Parses `"provider/upstream"` (split at the first `/`) or a bare provider id; undefined when malformed. */
export function parseTarget(to: string, providerIds: ReadonlySet<string>): TargetTemplate | undefined {
  const slash = to.indexOf('/');
  if (slash < 0) return providerIds.has(to) ? { providerId: to, upstream: '*' } : undefined;
  if (slash === 0) return undefined;
  return { providerId: to.slice(0, slash), upstream: to.slice(slash + 1) || '*' };
}

/** Config problems of the mapping rules (unknown providers, malformed targets), as readable sentences. */
export function mappingProblems(mappings: readonly ModelMapping[], providers: readonly ProviderConfig[]): string[] {
  const ids = new Set(providers.map((p) => p.id));
  const problems: string[] = [];
  mappings.forEach((m, i) => {
    if (!m.from) problems.push(`modelMappings[${i}]: "from" is empty`);
    const tos = typeof m.to === 'string' ? [m.to] : m.to;
    if (tos.length === 0) problems.push(`modelMappings[${i}]: "to" is empty`);
    for (const to of tos) {
      const t = parseTarget(to, ids);
      if (!t) problems.push(`modelMappings[${i}]: target "${to}" is not "<provider id>/<model>"`);
      else if (!ids.has(t.providerId)) problems.push(`modelMappings[${i}]: target "${to}" names unknown provider "${t.providerId}"`);
    }
  });
  return problems;
}

const isDefaultPattern = (from: string): boolean => /^\*+$/.test(from);
const modelId = (m: string | { id: string }): string => (typeof m === 'string' ? m : m.id);

/** Compiles mapping rules once; `resolve` then costs a cached lookup. */
export function createModelMapper(
  mappings: readonly ModelMapping[],
  providers: readonly ProviderConfig[],
  discovered?: ReadonlyMap<string, readonly string[]>,
): ModelMapper {
  const allIds = new Set(providers.map((p) => p.id));
  const enabled = providers.filter((p) => p.enabled !== false);
  const enabledIds = new Set(enabled.map((p) => p.id));
  const discoveredModels = new Map<string, readonly string[]>(discovered ?? []);
  const cache = new Map<string, Explanation>();

  const rules: CompiledRule[] = mappings.map((rule, index) => {
    const glob = isGlob(rule.from);
    const tos = typeof rule.to === 'string' ? [rule.to] : rule.to;
    const targets = tos.flatMap((to) => parseTarget(to, allIds) ?? []);
    return {
      index, rule, glob, targets, isDefault: isDefaultPattern(rule.from),
      specificity: literalCount(rule.from), matches: compileGlob(rule.from),
    };
  });
  // Glob rules in precedence order: most literal characters first, then config order (sort is stable).
  const wildcards = rules.filter((r) => r.glob && !r.isDefault).sort((a, b) => b.specificity - a.specificity);
  const defaults = rules.filter((r) => r.isDefault);

  const modelsOf = (p: ProviderConfig): readonly string[] =>
    p.models ? p.models.map(modelId) : discoveredModels.get(p.id) ?? [];

  function instantiate(rule: CompiledRule, requested: string): Target[] {
    const out: Target[] = [];
    for (const t of rule.targets) {
      if (!enabledIds.has(t.providerId)) continue;
      const upstreamModel = t.upstream.includes('*') ? t.upstream.replaceAll('*', requested) : t.upstream;
      if (!out.some((o) => o.providerId === t.providerId && o.upstreamModel === upstreamModel)) {
        out.push({ providerId: t.providerId, upstreamModel });
      }
    }
    return out;
  }

  function compute(requested: string): Explanation {
    const skipped: Explanation['skipped'] = [];
    const tryRules = (candidates: CompiledRule[], via: ResolutionVia): Explanation | undefined => {
      for (const r of candidates) {
        const targets = instantiate(r, requested);
        if (targets.length === 0) {
          skipped.push({ ruleIndex: r.index, from: r.rule.from, why: 'no target names an enabled provider' });
          continue;
        }
        const what = via === 'exact' ? 'exact rule' : via === 'default' ? 'default rule' : `wildcard rule (${r.specificity} literal characters)`;
        return {
          requested, via, ruleIndex: r.index, skipped,
          resolution: { requested, targets, rule: r.rule },
          reason: `${what} #${r.index + 1} "${r.rule.from}" → ${targets.map(fmt).join(', ')}`,
        };
      }
      return undefined;
    };

    const exact = tryRules(rules.filter((r) => r.rule.from === requested), 'exact');
    if (exact) return exact;
    const wild = tryRules(wildcards.filter((r) => r.rule.from !== requested && r.matches(requested)), 'wildcard');
    if (wild) return wild;

    const listed = enabled.filter((p) => modelsOf(p).includes(requested));
    if (listed.length > 0) {
      const targets = listed.map((p) => ({ providerId: p.id, upstreamModel: requested }));
      return {
        requested, via: 'provider-models', skipped, resolution: { requested, targets },
        reason: `listed by provider${listed.length > 1 ? 's' : ''} ${listed.map((p) => `"${p.id}"`).join(', ')}`,
      };
    }

    const slash = requested.indexOf('/');
    const prefix = slash > 0 ? requested.slice(0, slash) : '';
    const rest = requested.slice(slash + 1);
    if (prefix && rest && enabledIds.has(prefix)) {
      const targets = [{ providerId: prefix, upstreamModel: rest }];
      return {
        requested, via: 'provider-prefix', skipped, resolution: { requested, targets },
        reason: `"${prefix}" is a provider id → ${fmt(targets[0]!)}`,
      };
    }

    const fallback = tryRules(defaults.filter((r) => r.rule.from !== requested), 'default');
    if (fallback) return fallback;
    const why = prefix && allIds.has(prefix) && !enabledIds.has(prefix) ? ` (provider "${prefix}" is disabled)` : '';
    return { requested, skipped, reason: `no rule or provider serves "${requested}"${why}` };
  }

  return {
    resolve: (model) => explain(model).resolution,
    explain,
    listAliases: () => [...new Set(rules.filter((r) => !r.glob).map((r) => r.rule.from))],
    providerModels(providerId) {
      const p = providers.find((x) => x.id === providerId);
      return p ? [...modelsOf(p)] : [];
    },
    setDiscovered(providerId, modelIds) {
      if (modelIds) discoveredModels.set(providerId, [...modelIds]);
      else discoveredModels.delete(providerId);
      cache.clear();
    },
  };

  function explain(model: string): Explanation {
    let hit = cache.get(model);
    if (!hit) {
      hit = compute(model);
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      cache.set(model, hit);
    }
    return hit;
  }
}

const fmt = (t: Target): string => `${t.providerId}/${t.upstreamModel}`;
