/**
 * Per-model request rules (`requestRules` in config), applied to the encoded wire body after translation.
 *
 * A rule applies when its `match` glob matches the upstream model or `"provider/model"`. Within a rule,
 * `remove` runs first, then `default` (sets a field only when it is absent or null), then `force` (always
 * sets). Rules run in config order, so a later rule overrides an earlier one. Keys are dotted paths through
 * nested objects (`reasoning.effort`); missing objects on the way are created. A path through a value that is
 * not a plain object (an array, a string) is left alone and reported as skipped. The body is never mutated:
 * objects along changed paths are copied, everything else is shared.
 */
import type { RequestRule } from '../config';
import { compileGlob, type GlobMatcher } from '../routing/glob';

/** Where a request goes, which is what rules match on. */
export interface RuleTarget { providerId: string; upstreamModel: string }

/** One change a rule made (or could not make), for the debug log. */
export interface AppliedChange {
  /** Index of the rule in `requestRules`. */
  rule: number;
  op: 'default' | 'force' | 'remove';
  path: string;
  value?: unknown;
  /** Set when the path went through a non-object and nothing was changed. */
  skipped?: true;
}

/** A compiled rule set. */
export interface RequestRules {
  /** The body with every matching rule applied, and what changed. */
  apply(body: Record<string, unknown>, target: RuleTarget): { body: Record<string, unknown>; changes: AppliedChange[] };
}

type Json = Record<string, unknown>;

interface CompiledRule {
  index: number;
  matches: GlobMatcher;
  remove: string[][];
  defaults: Array<[string[], unknown]>;
  force: Array<[string[], unknown]>;
}

// Config is user-written JSON; these segments would reach Object.prototype instead of the body.
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Splits a dotted path; throws on empty or prototype-reaching segments (config validation surfaces it). */
export function parsePath(path: string): string[] {
  const parts = path.split('.');
  if (parts.some((p) => p === '' || FORBIDDEN.has(p))) throw new Error(`invalid request rule path "${path}"`);
  return parts;
}

const isPlainObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Compiles rules once: globs and paths are parsed here, not per request. */
export function compileRequestRules(rules: readonly RequestRule[]): RequestRules {
  const compiled: CompiledRule[] = rules.map((r, index) => ({
    index,
    matches: compileGlob(r.match),
    remove: (r.remove ?? []).map(parsePath),
    defaults: Object.entries(r.default ?? {}).map(([p, v]) => [parsePath(p), v]),
    force: Object.entries(r.force ?? {}).map(([p, v]) => [parsePath(p), v]),
  }));

  return {
    apply(body, target) {
      if (compiled.length === 0) return { body, changes: [] };
      const qualified = `${target.providerId}/${target.upstreamModel}`;
      let out = body;
      const changes: AppliedChange[] = [];
      for (const rule of compiled) {
        if (!rule.matches(target.upstreamModel) && !rule.matches(qualified)) continue;
        for (const path of rule.remove) {
          if (getPath(out, path) === undefined) continue;
          out = removePath(out, path);
          changes.push({ rule: rule.index, op: 'remove', path: path.join('.') });
        }
        for (const [path, value] of rule.defaults) {
          const current = getPath(out, path);
          if (current !== undefined && current !== null) continue;
          out = set(out, path, value, rule.index, 'default', changes);
        }
        for (const [path, value] of rule.force) out = set(out, path, value, rule.index, 'force', changes);
      }
      return { body: out, changes };
    },
  };
}

function set(body: Json, path: string[], value: unknown, rule: number, op: 'default' | 'force', changes: AppliedChange[]): Json {
  const next = setPath(body, path, structuredClone(value));
  changes.push(next ? { rule, op, path: path.join('.'), value } : { rule, op, path: path.join('.'), value, skipped: true });
  return next ?? body;
}

/** The value at `path`, or undefined when absent or when the path crosses a non-object. */
function getPath(obj: Json, path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, key)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** A copy of `obj` with `value` at `path`; undefined when an existing non-object sits on the path. */
function setPath(obj: Json, path: string[], value: unknown): Json | undefined {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...obj, [head]: value };
  const child = Object.hasOwn(obj, head) ? obj[head] : undefined;
  if (child !== undefined && child !== null && !isPlainObject(child)) return undefined;
  const inner = setPath(isPlainObject(child) ? child : {}, rest, value);
  return inner ? { ...obj, [head]: inner } : undefined;
}

/** A copy of `obj` without the field at `path` (the caller checked it exists). */
function removePath(obj: Json, path: string[]): Json {
  const [head, ...rest] = path as [string, ...string[]];
  const copy = { ...obj };
  if (rest.length === 0) delete copy[head];
  else copy[head] = removePath(obj[head] as Json, rest);
  return copy;
}
