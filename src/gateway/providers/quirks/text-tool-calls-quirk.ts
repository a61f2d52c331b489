/** Registers the text tool-call step as a quirk: only when the request carried tools, never in raw mode. */
import type { Quirk } from '../types';
import { textToolCalls } from './text-tool-calls';

export const textToolCallsQuirk: Quirk = {
  name: 'text-tool-calls',
  scope: 'translated',
  stream: (req) => (req.tools?.length ? textToolCalls({ toolNames: req.tools.map((t) => t.name) }) : undefined),
};
