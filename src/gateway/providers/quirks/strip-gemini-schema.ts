/**
 * Gemini's `parameters` / `responseSchema` accept an OpenAPI 3.0 subset, not JSON Schema: `$schema`,
 * `additionalProperties`, `const`, `exclusiveMinimum`, `propertyNames`, `$ref`, type arrays… each cause a 400
 * (CLIProxyAPI #97/#655, PublicAffairs/openai-gemini#70). This quirk rewrites schemas to that subset:
 * an allow-list (new JSON Schema keywords are dropped, not forwarded), with the meaning kept where possible:
 * `const` → one-value `enum`, `["string","null"]` → `type` + `nullable`, `oneOf` → `anyOf`, local `$ref`s inlined.
 */
import type { ChatRequest, ToolDefinition } from '../../core/model';
import type { Quirk } from '../types';

type Schema = Record<string, unknown>;

/** Keywords of Gemini's Schema object. `default` is left out on purpose: some models reject it and it is only a hint. */
const ALLOWED = new Set([
  'type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required',
  'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering',
  'items', 'minimum', 'maximum',
]);

/** `format` values Gemini accepts, per type; others (uri, email, …) are rejected upstream. */
const FORMATS: Record<string, ReadonlySet<string>> = {
  string: new Set(['enum', 'date-time']),
  integer: new Set(['int32', 'int64']),
  number: new Set(['float', 'double']),
};

/** Depth at which recursive `$ref`s stop being inlined. */
const MAX_REF_DEPTH = 8;

const isRecord = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Ctx { defs: Schema; depth: number; refs: readonly string[] }

function resolveRef(ref: string, ctx: Ctx): Schema | undefined {
  const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (!m) return undefined;
  const name = m[1]!.replace(/~1/g, '/').replace(/~0/g, '~');
  const target = ctx.defs[name];
  return isRecord(target) ? target : undefined;
}

/** Folds `type: [..]` and a null member of `anyOf` into `nullable`, and a single remaining branch into the schema. */
function normalizeUnion(s: Schema): { schema: Schema; collapsed: boolean } {
  const out: Schema = { ...s };
  if (Array.isArray(out.type)) {
    const types = out.type.filter((t): t is string => typeof t === 'string');
    const nonNull = types.filter((t) => t !== 'null');
    if (nonNull.length < types.length) out.nullable = true;
    if (nonNull.length <= 1) {
      if (nonNull[0]) out.type = nonNull[0]; else delete out.type;
    } else {
      delete out.type;
      out.anyOf = nonNull.map((type) => ({ type }));
    }
  }
  if (out.type === 'null') { delete out.type; out.nullable = true; }
  const union = Array.isArray(out.anyOf) ? out.anyOf : Array.isArray(out.oneOf) ? out.oneOf : undefined;
  delete out.oneOf;
  if (union) {
    const branches = union.filter(isRecord);
    const nonNull = branches.filter((b) => b.type !== 'null');
    if (nonNull.length < branches.length) out.nullable = true;
    if (nonNull.length === 1) return { schema: { ...nonNull[0], ...withoutKeys(out, ['anyOf']) }, collapsed: true };
    out.anyOf = nonNull;
  }
  return { schema: out, collapsed: false };
}

function withoutKeys(s: Schema, keys: string[]): Schema {
  const out = { ...s };
  for (const k of keys) delete out[k];
  return out;
}

/** `allOf` of object schemas → one schema (properties and required merged); the usual use is composition. */
function mergeAllOf(s: Schema): Schema {
  if (!Array.isArray(s.allOf)) return s;
  const out: Schema = withoutKeys(s, ['allOf']);
  for (const part of s.allOf.filter(isRecord)) {
    for (const [k, v] of Object.entries(part)) {
      if (k === 'properties' && isRecord(v)) out.properties = { ...(isRecord(out.properties) ? out.properties : {}), ...v };
      else if (k === 'required' && Array.isArray(v)) out.required = [...(Array.isArray(out.required) ? out.required : []), ...v];
      else if (!(k in out)) out[k] = v;
    }
  }
  return out;
}

function convert(input: Schema, ctx: Ctx): Schema {
  let s = input;
  if (typeof s.$ref === 'string') {
    const target = ctx.refs.includes(s.$ref) || ctx.depth > MAX_REF_DEPTH ? undefined : resolveRef(s.$ref, ctx);
    const rest = withoutKeys(s, ['$ref']);
    if (!target) return convert(rest, ctx); // remote or recursive ref: keep only the local description
    return convert({ ...target, ...rest }, { ...ctx, depth: ctx.depth + 1, refs: [...ctx.refs, s.$ref] });
  }
  const normalized = normalizeUnion(mergeAllOf(s));
  // The surviving branch of `anyOf: [X, {type:'null'}]` may itself be a $ref or a union: convert it afresh.
  if (normalized.collapsed) return convert(normalized.schema, ctx);
  s = normalized.schema;
  if (s.const !== undefined && s.enum === undefined) s = { ...s, enum: [s.const] };
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) if (ALLOWED.has(k)) out[k] = v;
  if (Array.isArray(out.enum)) {
    const values = out.enum.filter((v) => v !== null);
    if (values.length < out.enum.length) out.nullable = true;
    // Gemini enums are string-only; a numeric enum cannot be expressed, so the constraint is dropped.
    if (values.length && values.every((v) => typeof v === 'string')) { out.enum = values; out.type ??= 'string'; }
    else delete out.enum;
  }
  if (typeof out.format === 'string' && !FORMATS[String(out.type)]?.has(out.format)) delete out.format;
  if (isRecord(out.properties)) {
    const props: Schema = {};
    for (const [name, p] of Object.entries(out.properties)) if (isRecord(p)) props[name] = convert(p, ctx);
    if (Object.keys(props).length) out.properties = props; else delete out.properties;
  } else delete out.properties;
  if (Array.isArray(out.required)) {
    const names = isRecord(out.properties) ? Object.keys(out.properties) : [];
    const required = out.required.filter((r): r is string => typeof r === 'string' && names.includes(r));
    if (required.length) out.required = [...new Set(required)]; else delete out.required;
  }
  if (isRecord(out.items)) out.items = convert(out.items, ctx);
  else if (out.items !== undefined) delete out.items; // tuple `items: [..]` has no Gemini equivalent
  if (Array.isArray(out.anyOf)) out.anyOf = out.anyOf.filter(isRecord).map((b) => convert(b, ctx));
  if (typeof out.nullable !== 'boolean') delete out.nullable;
  return out;
}

/** A JSON Schema → Gemini's Schema subset (pure; the input is not modified). */
export function toGeminiSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const defs = { ...(isRecord(schema.definitions) ? schema.definitions : {}), ...(isRecord(schema.$defs) ? schema.$defs : {}) };
  return convert(schema, { defs, depth: 0, refs: [] });
}

function stripTool(tool: ToolDefinition): ToolDefinition {
  // Declarations sent as `parametersJsonSchema` take full JSON Schema: leave them alone.
  if (tool.extra?.gemini?.parametersJsonSchema === true) return tool;
  return { ...tool, parameters: toGeminiSchema(tool.parameters) };
}

/** Rewrites tool parameter schemas and the response schema to the subset Gemini's `parameters` accepts. */
export const stripGeminiSchema: Quirk = {
  name: 'strip-gemini-schema',
  // A Gemini caller's own schemas already suit Gemini: only translated requests need rewriting.
  scope: 'translated',
  request(req: ChatRequest): ChatRequest {
    const out: ChatRequest = { ...req };
    if (req.tools) out.tools = req.tools.map(stripTool);
    const format = req.responseFormat;
    if (format?.type === 'json-schema' && req.extra?.gemini?.responseJsonSchema !== true) {
      out.responseFormat = { ...format, schema: toGeminiSchema(format.schema) };
    }
    return out;
  },
};
