/**
 * The real Codex CLI (devDependency @openai/codex, `codex exec`) through the gateway's /v1/responses, fully offline:
 * the upstream fake asks Codex to run one shell command through the shell tool Codex declares, Codex runs it and
 * sends the output back as function_call_output, and the fake answers with text quoting it. Against a Responses
 * upstream (native) and an Anthropic upstream (translated).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { startFakeResponses, type FakeResponses } from '../helpers/fake-responses';
import { startGateway, type TestGateway } from '../helpers/gateway';

const CODEX = path.resolve(__dirname, '../../node_modules/.bin/codex');
const RUN_TIMEOUT_MS = 60_000;

/**
 * The config.toml that runs Codex against the gateway with nothing leaving the machine: a custom provider (the
 * built-in `openai` one cannot be re-pointed reliably), HTTP only, no update check, analytics, feedback, OTEL
 * export, history, web search, plugin/app sync (which would `git clone` from github.com) or model discovery.
 */
function codexConfig(baseUrl: string, model: string): string {
  return `model = "${model}"
model_provider = "switchboard"
approval_policy = "never"
sandbox_mode = "danger-full-access"
check_for_update_on_startup = false
web_search = "disabled"

[model_providers.switchboard]
name = "Switchboard"
base_url = "${baseUrl}/v1"
wire_api = "responses"
env_key = "SWITCHBOARD_API_KEY"
supports_websockets = false
request_max_retries = 0
stream_max_retries = 0

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"
trace_exporter = "none"
metrics_exporter = "none"

[history]
persistence = "none"

[features]
plugins = false
remote_plugin = false
plugin_sharing = false
apps = false
api_key_model_discovery = false
in_app_updates = false
`;
}

interface CodexRun { code: number | null; stdout: string; stderr: string; timedOut: boolean }

/** Runs `codex exec` once in a fresh HOME/CODEX_HOME and work dir, killed after RUN_TIMEOUT_MS. */
async function runCodex(gw: TestGateway, model: string, prompt: string): Promise<CodexRun> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-codex-home-'));
  const codexHome = path.join(home, '.codex');
  fs.mkdirSync(codexHome);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-codex-work-'));
  fs.writeFileSync(path.join(codexHome, 'config.toml'), codexConfig(gw.url, model));
  // A minimal environment: no real OpenAI credentials or proxies can leak in.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: codexHome, SWITCHBOARD_API_KEY: gw.key, LANG: 'C.UTF-8' };
  const child = spawn(CODEX, ['exec', '--strict-config', '--skip-git-repo-check', '--color', 'never', prompt], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, RUN_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
  return { code, stdout, stderr, timedOut };
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The function_call_output texts of a Responses body. */
function toolOutputs(body: unknown): string[] {
  const input = isObj(body) && Array.isArray(body.input) ? body.input.filter(isObj) : [];
  return input.filter((i) => i.type === 'function_call_output').map((i) => (typeof i.output === 'string' ? i.output : JSON.stringify(i.output)));
}

describe('Codex CLI (codex exec) through the gateway', function () {
  this.timeout(RUN_TIMEOUT_MS + 30_000);

  describe('to a Responses upstream', () => {
    let fake: FakeResponses;
    let gw: TestGateway;
    const marker = `codex-ok-${randomBytes(4).toString('hex')}`;

    before(async () => {
      fake = await startFakeResponses({
        // Codex's shell tool is `exec_command` ({cmd}) in current versions, `shell` ({command: argv}) in older ones.
        toolCallFor: (body) => {
          const tools = Array.isArray(body.tools) ? body.tools.filter(isObj) : [];
          const names = tools.map((t) => t.name);
          if (names.includes('exec_command')) return { name: 'exec_command', arguments: JSON.stringify({ cmd: `echo ${marker}` }) };
          if (names.includes('shell')) return { name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', `echo ${marker}`] }) };
          return undefined;
        },
      });
      gw = await startGateway({ providers: [{ id: 'resp', type: 'openai-responses', baseUrl: fake.baseUrl, keys: [{ label: 'rk', key: 'sk-resp-1' }], models: ['codex-test-model'] }] });
    });
    after(async () => { await gw.close(); await fake.close(); });

    it('runs a shell command the model asked for and prints the final answer', async () => {
      const run = await runCodex(gw, 'codex-test-model', 'Please run a command for me.');
      assert.equal(run.timedOut, false, `codex timed out; stderr: ${run.stderr.slice(-2000)}`);
      assert.equal(run.code, 0, `codex failed: ${run.stderr.slice(-2000)}`);
      const first = fake.requests[0]!;
      const body = first.body as Json;
      assert.equal(body.stream, true);
      assert.equal(body.store, false);
      assert.equal(first.headers.authorization, 'Bearer sk-resp-1', 'the gateway swapped in the upstream key');
      assert.ok((body.tools as Json[]).some((t) => t.name === 'exec_command' || t.name === 'shell'), 'Codex declared its shell tool');
      const outputs = fake.requests.flatMap((r) => toolOutputs(r.body));
      assert.ok(outputs.some((o) => o.includes(marker)), `the command ran and its output went back: ${JSON.stringify(outputs)}`);
      assert.ok(run.stdout.includes(`Tool said:`) && run.stdout.includes(marker), `final message: ${run.stdout}`);
    });
  });

  describe('to an Anthropic upstream (translated)', () => {
    let fake: FakeAnthropic;
    let gw: TestGateway;
    const marker = `codex-ok-${randomBytes(4).toString('hex')}`;

    before(async () => {
      // The fake calls the first declared tool, which is Codex's shell tool (asserted below).
      fake = await startFakeAnthropic({ toolInput: { cmd: `echo ${marker}` } });
      gw = await startGateway({ providers: [{ id: 'anth', type: 'anthropic', baseUrl: `${fake.url}/v1`, keys: [{ label: 'ak', key: 'sk-ant-1' }], models: ['claude-test-sonnet'] }] });
    });
    after(async () => { await gw.close(); await fake.close(); });

    it('runs the command through tool_use / tool_result and prints the final answer', async () => {
      const run = await runCodex(gw, 'claude-test-sonnet', 'Please use tool exec_command to run a command.');
      assert.equal(run.timedOut, false, `codex timed out; stderr: ${run.stderr.slice(-2000)}`);
      assert.equal(run.code, 0, `codex failed: ${run.stderr.slice(-2000)}`);
      const requests = fake.messageRequests();
      const first = requests[0]!.body as { tools: Array<{ name: string }>; stream: boolean };
      assert.equal(first.tools[0]!.name, 'exec_command', 'Codex\'s shell tool is the first tool (the fake calls it)');
      assert.equal(first.stream, true);
      const results = JSON.stringify(requests.map((r) => (r.body as Json).messages));
      assert.ok(results.includes('tool_result') && results.includes(marker), 'the command output went back as a tool_result');
      assert.ok(run.stdout.includes('tool result:') && run.stdout.includes(marker), `final message: ${run.stdout}`);
    });
  });
});
