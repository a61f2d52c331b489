/**
 * Responses tools ↔ canonical tool definitions. Function tools map 1:1; `custom` (freeform) tools become one-string
 * functions; `namespace` tools are flattened into `<namespace>__<name>` functions whose extra remembers how to map
 * calls back; built-in tools (web_search…) only an OpenAI upstream understands are kept as wire objects.
 */
import type { ChatRequest, ToolChoice, ToolDefinition } from '../../core/model';
import { invalidRequest } from '../../core/errors';
import { isObject, type JsonObject } from './normalize';
import type { OpenAIResponsesFunctionTool, OpenAIResponsesCustomTool, OpenAIResponsesTool, OpenAIResponsesToolChoice } from './wire';

/** The namespace key for extras of this protocol. */
export const NS = 'openai-responses';

/** Decoded tools: canonical definitions plus built-in tools passed through as wire objects. */
export interface DecodedTools { tools: ToolDefinition[]; builtins: JsonObject[] }

/** Canonical name of a namespace member; Codex namespaces may already end with a separator. */
export function namespacedName(namespace: string, name: string): string {
  return namespace.endsWith('_') ? namespace + name : `${namespace}__${name}`;
}

/** The JSON Schema a freeform tool gets as a function: one string argument `input`. */
export function customToolParameters(format: unknown): Record<string, unknown> {
  const input: Record<string, unknown> = { type: 'string' };
  if (isObject(format) && format.type === 'grammar' && typeof format.definition === 'string') {
    // Non-OpenAI models cannot be grammar-constrained; telling them the grammar keeps e.g. apply_patch usable.
    input.description = `Raw text input following this ${String(format.syntax ?? '')} grammar:\n${format.definition}`;
  }
  return { type: 'object', properties: { input }, required: ['input'], additionalProperties: false };
}

function decodeOne(raw: unknown, param: string, out: DecodedTools, namespace?: { name: string; description?: string }): void {
  if (!isObject(raw)) throw invalidRequest('Each tool must be an object.', param);
  const type = raw.type;
  if (type === 'function' || type === 'custom') {
    if (typeof raw.name !== 'string' || raw.name === '') throw invalidRequest('Tool name must be a non-empty string.', `${param}.name`);
    const extra: JsonObject = {};
    if (namespace) { extra.namespace = namespace.name; extra.name = raw.name; if (namespace.description) extra.namespace_description = namespace.description; }
    for (const [k, v] of Object.entries(raw)) {
      if (!['type', 'name', 'description', 'parameters', 'strict'].includes(k)) extra[k] = v;
    }
    const def: ToolDefinition = {
      name: namespace ? namespacedName(namespace.name, raw.name) : raw.name,
      parameters: type === 'custom' ? customToolParameters(raw.format) : isObject(raw.parameters) ? raw.parameters : { type: 'object', properties: {} },
      kind: type,
    };
    if (typeof raw.description === 'string') def.description = raw.description;
    if (typeof raw.strict === 'boolean' && type === 'function') def.strict = raw.strict;
    if (Object.keys(extra).length > 0) def.extra = { [NS]: extra };
    out.tools.push(def);
    return;
  }
  if (type === 'namespace') {
    if (typeof raw.name !== 'string' || !Array.isArray(raw.tools)) throw invalidRequest('A namespace tool needs a name and a tools array.', param);
    const ns = { name: raw.name, description: typeof raw.description === 'string' ? raw.description : undefined };
    raw.tools.forEach((t, i) => decodeOne(t, `${param}.tools[${i}]`, out, ns));
    return;
  }
  if (typeof type !== 'string') throw invalidRequest('Tool type must be a string.', `${param}.type`);
  out.builtins.push(raw);
}

/** Decodes `tools` plus tools hoisted from `additional_tools` input items. */
export function decodeTools(tools: unknown, hoisted: unknown[]): DecodedTools {
  const out: DecodedTools = { tools: [], builtins: [] };
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) throw invalidRequest('tools must be an array.', 'tools');
  (Array.isArray(tools) ? tools : []).forEach((t, i) => decodeOne(t, `tools[${i}]`, out));
  hoisted.forEach((t, i) => decodeOne(t, `input.additional_tools[${i}]`, out));
  return out;
}

/** Responses wire identity of a canonical tool name: its own name, namespace and kind. */
export interface WireToolName { name: string; namespace?: string; custom: boolean }

/** Maps a canonical tool name back to what a Responses client declared. */
export function wireToolName(tools: ToolDefinition[] | undefined, canonical: string): WireToolName {
  const def = tools?.find((t) => t.name === canonical);
  const extra = def?.extra?.[NS];
  const namespace = typeof extra?.namespace === 'string' ? extra.namespace : undefined;
  const inner = typeof extra?.name === 'string' ? extra.name : canonical;
  return namespace ? { name: inner, namespace, custom: def?.kind === 'custom' } : { name: canonical, custom: def?.kind === 'custom' };
}

function encodeMember(t: ToolDefinition): OpenAIResponsesFunctionTool | OpenAIResponsesCustomTool {
  const extra = { ...(t.extra?.[NS] ?? {}) };
  const name = typeof extra.name === 'string' ? extra.name : t.name;
  delete extra.namespace; delete extra.name; delete extra.namespace_description;
  if (t.kind === 'custom') {
    const tool: OpenAIResponsesCustomTool = { ...extra, type: 'custom', name };
    if (t.description !== undefined) tool.description = t.description;
    return tool;
  }
  const tool: OpenAIResponsesFunctionTool = { ...extra, type: 'function', name, parameters: t.parameters };
  if (t.description !== undefined) tool.description = t.description;
  if (t.strict !== undefined) tool.strict = t.strict;
  return tool;
}

/** Encodes canonical tools for a Responses upstream or echo, regrouping namespace members; built-ins appended. */
export function encodeTools(tools: ToolDefinition[] | undefined, builtins: unknown[] = []): OpenAIResponsesTool[] {
  const out: OpenAIResponsesTool[] = [];
  const groups = new Map<string, { type: 'namespace'; name: string; description: string; tools: Array<OpenAIResponsesFunctionTool | OpenAIResponsesCustomTool> }>();
  for (const t of tools ?? []) {
    const extra = t.extra?.[NS];
    const namespace = typeof extra?.namespace === 'string' ? extra.namespace : undefined;
    if (namespace === undefined) { out.push(encodeMember(t)); continue; }
    let group = groups.get(namespace);
    if (!group) {
      group = { type: 'namespace', name: namespace, description: typeof extra?.namespace_description === 'string' ? extra.namespace_description : '', tools: [] };
      groups.set(namespace, group);
      out.push(group);
    }
    group.tools.push(encodeMember(t));
  }
  for (const b of builtins) if (isObject(b)) out.push(b);
  return out;
}

/** Decodes `tool_choice`; shapes the canonical model lacks (allowed_tools, built-ins) go to extra. */
export function decodeToolChoice(raw: unknown, tools: ToolDefinition[]): { choice?: ToolChoice; extra?: unknown } {
  if (raw === undefined || raw === null) return {};
  if (raw === 'auto' || raw === 'none' || raw === 'required') return { choice: { type: raw } };
  if (isObject(raw) && (raw.type === 'function' || raw.type === 'custom') && typeof raw.name === 'string') {
    const name = raw.name;
    const match = tools.find((t) => t.name === name) ?? tools.find((t) => t.extra?.[NS]?.name === name);
    return { choice: { type: 'tool', name: match?.name ?? name } };
  }
  if (typeof raw === 'string') throw invalidRequest(`Invalid tool_choice '${raw}'.`, 'tool_choice');
  return { extra: raw };
}

/** Encodes a canonical tool choice. */
export function encodeToolChoice(choice: ToolChoice | undefined, tools: ToolDefinition[] | undefined): OpenAIResponsesToolChoice | undefined {
  if (!choice) return undefined;
  if (choice.type !== 'tool') return choice.type;
  const wire = wireToolName(tools, choice.name);
  return { type: wire.custom ? 'custom' : 'function', name: wire.name };
}

/** The built-in tools a decoded request keeps in its extra. */
export function builtinToolsOf(req: ChatRequest): unknown[] {
  const b = req.extra?.[NS]?.builtin_tools;
  return Array.isArray(b) ? b : [];
}
