/** SSE frames → text, strictly: multi-line data is split into several `data:` lines. */
import type { SseFrame } from './types';

/** Encodes one frame. Throws if an event name spans lines (it would corrupt the stream). */
export function encodeSse(frame: SseFrame): string {
  if ('comment' in frame) return `: ${frame.comment.replace(/[\r\n]+/g, ' ')}\n\n`;
  const { event, data } = frame;
  if (event !== undefined && /[\r\n]/.test(event)) throw new Error('SSE event name must be a single line');
  const lines = data.includes('\n') || data.includes('\r')
    ? data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join('\n')
    : `data: ${data}`;
  return `${event === undefined ? '' : `event: ${event}\n`}${lines}\n\n`;
}
