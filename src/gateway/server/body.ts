/** Reads a JSON request body whole (small JSON bodies are cheaper read once than streamed) and parses it once. */
import type { IncomingMessage } from 'node:http';
import { GatewayError, invalidRequest } from '../core/errors';

/** Reads and parses the body; errors are 400 `invalid_json` or 413 `request_too_large`. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new GatewayError('invalid_request', `Request body is larger than ${limit} bytes`, { status: 413, code: 'request_too_large' });
    chunks.push(chunk);
  }
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw invalidRequest('The request body is empty; send a JSON object', undefined, 'invalid_json');
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch (e) {
    throw invalidRequest(`The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, undefined, 'invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('The request body must be a JSON object', undefined, 'invalid_json');
  }
  return parsed as Record<string, unknown>;
}
