/** Stream steps of the Anthropic codec (decode and encode live in their own files). */
export { decodeAnthropicStream } from './stream-decode';
export { encodeAnthropicStream } from './stream-encode';
