/** For servers that reject `stream_options` (some older OpenAI-compatible servers): opt-in by name in the config. */
import type { Quirk } from '../types';

export const noStreamOptions: Quirk = {
  name: 'no-stream-options',
  wireBody(body) {
    if (!('stream_options' in body)) return body;
    const { stream_options: _dropped, ...rest } = body;
    return rest;
  },
};
