/**
 * A fast fake upstream for the benchmark (node:http on 127.0.0.1): OpenAI chat completions and Anthropic messages,
 * JSON or SSE. Streams send `chunks` frames `delayMs` apart, the first one at once; both are set per phase with
 * POST /__bench/config {chunks, delayMs}. Run as a child process: prints {"port":N} on stdout when ready.
 */
import http from 'node:http';

const settings = { chunks: 50, delayMs: 20 };
const COMPLETION = 'The quick brown fox jumps over the lazy dog. '.repeat(4).trim();

function openaiJson(model) {
  return JSON.stringify({
    id: 'chatcmpl-bench', object: 'chat.completion', created: 1700000000, model,
    choices: [{ index: 0, message: { role: 'assistant', content: COMPLETION, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 42, completion_tokens: 40, total_tokens: 82 },
  });
}

function anthropicJson(model) {
  return JSON.stringify({
    id: 'msg_bench', type: 'message', role: 'assistant', model, content: [{ type: 'text', text: COMPLETION }],
    stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 42, output_tokens: 40 },
  });
}

/** The SSE frames of one stream, as strings, for `n` content chunks. */
function openaiFrames(model, n, includeUsage) {
  const head = `{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":${JSON.stringify(model)},"choices":[`;
  const frames = [];
  for (let i = 0; i < n; i++) {
    const role = i === 0 ? '"role":"assistant",' : '';
    frames.push(`data: ${head}{"index":0,"delta":{${role}"content":"tok${i} "},"logprobs":null,"finish_reason":null}]}\n\n`);
  }
  let tail = `data: ${head}{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}\n\n`;
  if (includeUsage) tail += `data: ${head}],"usage":{"prompt_tokens":42,"completion_tokens":${n},"total_tokens":${42 + n}}}\n\n`;
  frames.push(tail + 'data: [DONE]\n\n');
  return frames;
}

function anthropicFrames(model, n) {
  const ev = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const frames = [];
  for (let i = 0; i < n; i++) {
    let f = ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `tok${i} ` } });
    if (i === 0) {
      f = ev('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 42, output_tokens: 1 } } })
        + ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) + f;
    }
    frames.push(f);
  }
  frames.push(ev('content_block_stop', { index: 0 }) + ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: n } }) + ev('message_stop', {}));
  return frames;
}

/** Writes frames: the first at once, the rest `delayMs` apart; stops if the client goes away. */
function stream(res, frames, delayMs) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let i = 0;
  let timer;
  const next = () => {
    if (res.destroyed) return;
    res.write(frames[i++]);
    if (i >= frames.length) res.end();
    else timer = setTimeout(next, delayMs);
  };
  res.on('close', () => clearTimeout(timer));
  next();
}

function handle(req, res, raw) {
  let body;
  try { body = JSON.parse(raw); } catch { body = {}; }
  const url = req.url ?? '/';
  if (url === '/__bench/config') {
    Object.assign(settings, body);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(settings));
    return;
  }
  const model = typeof body.model === 'string' ? body.model : 'unknown';
  const anthropic = url.startsWith('/v1/messages') || url.startsWith('/messages');
  const openai = url.startsWith('/v1/chat/completions') || url.startsWith('/chat/completions');
  if (!anthropic && !openai) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not found"}}');
    return;
  }
  if (body.stream === true) {
    const frames = anthropic ? anthropicFrames(model, settings.chunks) : openaiFrames(model, settings.chunks, body.stream_options?.include_usage === true);
    stream(res, frames, settings.delayMs);
    return;
  }
  const text = anthropic ? anthropicJson(model) : openaiJson(model);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  req.on('error', () => res.destroy());
});
server.maxConnections = 20_000;
// The gateway's listen backlog, so no side loses SYNs (a 1 s retransmit each) when 1,000 streams open at once.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
process.on('SIGTERM', () => process.exit(0));
