/**
 * The reference: a bare pass-through proxy (node:http + undici), the floor the gateway is measured against.
 * It reads the small JSON body whole, sends it upstream as one buffer, and pipes the answer back unbuffered.
 * Usage: node bench/reference-proxy.mjs <upstream base URL>; prints {"port":N} when ready.
 */
import http from 'node:http';
import { Agent, request } from 'undici';

const upstream = process.argv[2];
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);

const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const ac = new AbortController();
    res.on('close', () => { if (!res.writableFinished) ac.abort(); });
    try {
      const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-upstream' };
      const up = await request(upstream + req.url, { method: req.method, headers, body: Buffer.concat(chunks), dispatcher, signal: ac.signal });
      const out = {};
      for (const [k, v] of Object.entries(up.headers)) if (!HOP.has(k)) out[k] = v;
      res.writeHead(up.statusCode, out);
      up.body.on('error', () => res.destroy()).pipe(res);
    } catch { if (!res.headersSent) res.writeHead(502); res.end(); }
  });
});
// The gateway's listen backlog, so no side loses SYNs (a 1 s retransmit each) when 1,000 streams open at once.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
process.on('SIGTERM', () => process.exit(0));
