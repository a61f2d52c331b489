/**
 * Tried as a new user would: the real Claude Code CLI (`claude -p`) pointed at the gateway (ANTHROPIC_BASE_URL =
 * gateway root, ANTHROPIC_AUTH_TOKEN = a gateway key), routed to a fake OpenAI upstream. The model calls one of
 * Claude Code's own tools, Claude Code runs it, and the model answers with the tool's output.
 * Offline: Claude Code's non-essential traffic is switched off and it only talks to 127.0.0.1.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contentText } from '../helpers/fake-openai';
import { chatMessages, declaredTools, runClaude, startKeyedFakeOpenAI, type ClaudeResult, type KeyedFakeOpenAI } from '../helpers/claude-code';
import { startGateway, type TestGateway } from '../helpers/gateway';

const MODEL = 'gpt-fake';

/** Whether a request is the first turn of the task carrying `marker` (no tool result yet). */
function isFirstTurn(body: Record<string, unknown>, tool: string, marker: string): boolean {
  // Claude Code 2.1.3xx puts its environment block in a system message after the user turn, so skip system ones.
  const msgs = chatMessages(body).filter((m) => m.role !== 'system');
  return declaredTools(body).includes(tool) && msgs.at(-1)?.role === 'user' && !msgs.some((m) => m.role === 'tool')
    && msgs.some((m) => m.role === 'user' && contentText(m.content).includes(marker));
}

function describeRun(r: ClaudeResult): string {
  return `exit ${r.code} signal ${r.signal}${r.timedOut ? ' (timed out)' : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr.slice(0, 2000)}`;
}

describe('Claude Code CLI → gateway → fake OpenAI (real client)', function () {
  this.timeout(120_000);
  let fake: KeyedFakeOpenAI;
  let gw: TestGateway;
  const UPSTREAM_KEY = 'sk-upstream-cc-0001';

  before(async () => {
    fake = await startKeyedFakeOpenAI();
    gw = await startGateway({
      providers: [{ id: 'oa', type: 'openai', baseUrl: fake.baseURL, keys: [{ label: 'main', key: UPSTREAM_KEY }], models: [MODEL] }],
      // Anything Claude Code asks for by a Claude name (e.g. a haiku background call) goes to the same model.
      modelMappings: [{ from: 'claude-*', to: `oa/${MODEL}` }],
    });
  });
  after(async () => { await gw?.close(); await fake?.close(); });

  const run = (prompt: string, tools: string[], cwd?: string, auth?: 'api-key'): Promise<ClaudeResult> => runClaude({
    baseUrl: gw.url, token: gw.key, auth, model: MODEL, cwd, timeoutMs: 75_000,
    // A gateway failure then fails the run at once instead of retrying with backoff until the timeout.
    env: { CLAUDE_CODE_MAX_RETRIES: '0' },
    // Running as root, Claude Code refuses --dangerously-skip-permissions; pre-approving the tools works for anyone.
    args: [...(tools.length ? ['--allowedTools', ...tools] : []), '--output-format', 'text', '-p', prompt],
  });

  it('runs its Bash tool when the model asks and answers with the output', async () => {
    const marker = `cc-ok-${crypto.randomBytes(6).toString('hex')}`;
    const callId = `call_bash_${crypto.randomBytes(4).toString('hex')}`;
    fake.setRule((body) => isFirstTurn(body, 'Bash', marker)
      ? { kind: 'tool-calls', calls: [{ id: callId, name: 'Bash', arguments: { command: `echo ${marker}`, description: 'Print a marker word' } }] }
      : undefined);
    const before = fake.chatRequests().length;

    const r = await run(`Run the shell command "echo ${marker}" and tell me what it printed.`, ['Bash']);

    assert.equal(r.timedOut, false, describeRun(r));
    assert.equal(r.code, 0, describeRun(r));
    // The fake's default reply to a tool result is "tool result: <the tool output>".
    assert.match(r.stdout, new RegExp(`tool result: [^\\n]*${marker}`), describeRun(r));

    const reqs = fake.chatRequests().slice(before);
    const first = reqs.find((q) => isFirstTurn(q.body as Record<string, unknown>, 'Bash', marker));
    assert.ok(first, 'the upstream got the first turn with the Bash tool declared');
    const withResult = reqs.map((q) => chatMessages(q.body)).find((msgs) => msgs.some((m) => m.role === 'tool'));
    assert.ok(withResult, 'the upstream got a request carrying the tool result');
    const call = withResult.find((m) => m.role === 'assistant' && Array.isArray(m.tool_calls));
    assert.ok(call, 'the assistant tool call is replayed before its result');
    const result = withResult.find((m) => m.role === 'tool')!;
    assert.equal(result.tool_call_id, callId);
    assert.match(contentText(result.content), new RegExp(marker));
    for (const q of reqs) assert.equal(q.headers.authorization, `Bearer ${UPSTREAM_KEY}`, 'the provider key replaces the gateway key');
    assert.ok(!reqs.some((q) => q.rawBody.includes(gw.key)), 'the gateway key never reaches the upstream');
    assert.ok(!gw.logs.join('\n').includes(gw.key), 'the gateway key never appears in the logs');
  });

  it('reads a file with its Read tool and answers with the content', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cc-read-'));
    const secret = `cc-file-${crypto.randomBytes(6).toString('hex')}`;
    const file = path.join(cwd, 'notes.txt');
    fs.writeFileSync(file, `${secret}\n`);
    fake.setRule((body) => isFirstTurn(body, 'Read', 'notes.txt')
      ? { kind: 'tool-calls', text: 'Reading it.', calls: [{ name: 'Read', arguments: { file_path: file } }] }
      : undefined);
    const before = fake.chatRequests().length;

    const r = await run('What does notes.txt say?', ['Read'], cwd).finally(() => fs.rmSync(cwd, { recursive: true, force: true }));

    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, new RegExp(`tool result: [\\s\\S]*${secret}`), describeRun(r));
    const reqs = fake.chatRequests().slice(before);
    const results = reqs.flatMap((q) => chatMessages(q.body)).filter((m) => m.role === 'tool');
    assert.ok(results.some((m) => contentText(m.content).includes(secret)), 'the file content reached the upstream as a tool result');
  });

  it('authenticates with ANTHROPIC_API_KEY (x-api-key) as well', async () => {
    fake.setRule(() => undefined);
    const word = `cc-key-${crypto.randomBytes(6).toString('hex')}`;
    const r = await run(`Just say ${word}`, [], undefined, 'api-key');
    assert.equal(r.code, 0, describeRun(r));
    // The fake's default reply echoes the last user text.
    assert.match(r.stdout, new RegExp(`echo: [\\s\\S]*${word}`), describeRun(r));
  });

  it('fails cleanly with a wrong gateway key', async () => {
    const r = await runClaude({ baseUrl: gw.url, token: 'sb-not-a-real-key', model: MODEL, args: ['--output-format', 'text', '-p', 'hi'], timeoutMs: 75_000, env: { CLAUDE_CODE_MAX_RETRIES: '0' } });
    assert.equal(r.timedOut, false, describeRun(r));
    assert.notEqual(r.code, 0, describeRun(r));
    assert.match(r.stdout + r.stderr, /401|auth|key/i, describeRun(r));
    assert.ok(!(r.stdout + r.stderr).includes('sb-not-a-real-key'), 'the key is not echoed back');
  });
});
