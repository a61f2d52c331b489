/**
 * Anthropic rejects a request whose history holds tool_use/tool_result blocks when `tools` does not define those
 * tools (clients such as Codex drop tools on some turns). The missing definitions are completed from the history.
 */
import type { ToolDefinition } from '../../core/model';
import type { Quirk } from '../types';

export const toolsFromHistory: Quirk = {
  name: 'tools-from-history',
  scope: 'translated',
  request(req) {
    const declared = new Set((req.tools ?? []).map((t) => t.name));
    const missing: ToolDefinition[] = [];
    for (const m of req.messages) {
      for (const p of m.parts) {
        const name = p.type === 'tool-call' ? p.name : p.type === 'tool-result' ? p.name : undefined;
        if (!name || declared.has(name)) continue;
        declared.add(name);
        missing.push({ name, description: 'A tool used earlier in this conversation.', parameters: { type: 'object', properties: {} } });
      }
    }
    if (!missing.length) return req;
    // No tools were offered this turn: keep it that way for the model while satisfying the API's check.
    const toolChoice = req.tools?.length ? req.toolChoice : { type: 'none' as const };
    return { ...req, tools: [...(req.tools ?? []), ...missing], toolChoice };
  },
};
