/**
 * Gateway keys and usage survive the process: the built CLI (`node dist/cli.js serve`) runs as a child process,
 * serves requests, is killed with SIGKILL and restarted on the same data folder; `usage` and GET /v1/usage still
 * show the earlier requests, daily limits still count them, and keys still work. Keys created or disabled with
 * `keys …` while the server runs take effect without a restart. No gateway key's plaintext is ever written to the
 * data folder, except the headless default key's own 0600 file.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';

const CLI = path.resolve('dist/cli.js');
const UPSTREAM_KEY = 'sk-upstream-persist-secret-0004';
const ENV = {
  ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', GEMINI_API_KEY: '', GOOGLE_API_KEY: '', DEEPSEEK_API_KEY: '',
  OPENROUTER_API_KEY: '', OLLAMA_HOST: '127.0.0.1:9', SWITCHBOARD_DATA_DIR: '',
};

/** The newest modification time under `dir` (for deciding whether dist/cli.js is stale). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** A running `serve` child. */
interface Served { child: ChildProcess; url: string; out: () => string; exited: Promise<number | null> }

async function serve(configFile: string, dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--config', configFile, '--port', '0', '--data-dir', dataDir], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 20 s: ${out}`)), 20_000);
    const check = () => {
      // The key lines follow the URL line; wait for the last line serve prints at start.
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && /Gateway key/.test(out)) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}: ${out}`)); });
  });
  return { child, url, out: () => out, exited };
}

/** Runs a CLI command to completion. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: ENV, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Repeats `attempt` until it returns true (bounded: 100 × 50 ms); for changes another process makes on disk. */
async function eventually(what: string, attempt: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await attempt()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what} did not happen within 5 s`);
}

interface UsageRow { keyId: string; keyName?: string; model: string; day: string; totals: { requests: number; countedRequests: number; inputTokens: number; outputTokens: number } }

describe('persistence of gateway keys and usage across gateway processes (built CLI)', function () {
  this.timeout(90_000);
  let fake: FakeOpenAI;
  let dataDir: string;
  let configFile: string;
  const children: ChildProcess[] = [];

  before(async function () {
    const stale = !fs.existsSync(CLI) || fs.statSync(CLI).mtimeMs < Math.max(newestMtime(path.resolve('src/gateway')), newestMtime(path.resolve('src/cli')));
    if (stale) spawnSync(process.execPath, ['esbuild.mjs', '--only', 'cli'], { stdio: 'inherit' });
    assert.ok(fs.existsSync(CLI), 'dist/cli.js was built');
    fake = await startFakeOpenAI({ models: ['gpt-fake'], apiKeys: [UPSTREAM_KEY] });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-persist-data-'));
    // The config (which holds the upstream key) lives outside the data folder.
    const confDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-persist-conf-'));
    configFile = path.join(confDir, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({
      providers: [{ id: 'oa', type: 'openai', baseUrl: `${fake.url}/v1`, keys: [{ label: 'main', key: UPSTREAM_KEY }], models: ['gpt-fake'] }],
    }));
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await fake?.close();
  });

  const start = async (): Promise<Served> => { const s = await serve(configFile, dataDir); children.push(s.child); return s; };
  const chat = (url: string, key: string, text: string) => fetch(`${url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: text }] }),
  });
  const usageRows = (): UsageRow[] => {
    const r = cli('usage', '--json', '--data-dir', dataDir);
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout) as { rows: UsageRow[] }).rows;
  };
  const requestsOf = (rows: UsageRow[], name: string) => rows.filter((r) => r.keyName === name).reduce((a, r) => a + r.totals.requests, 0);

  let defaultKey = '';
  let persistKey = '';
  let tempKey = '';

  it('first run: a default key is created; keys made with `keys create` while it runs work at once', async () => {
    const s = await start();
    defaultKey = /Gateway key[^:]*: (sb-\S+)/.exec(s.out())?.[1] ?? '';
    assert.match(defaultKey, /^sb-/);
    const keyFile = path.join(dataDir, 'default-key.txt');
    assert.equal(fs.readFileSync(keyFile, 'utf8').trim(), defaultKey);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600, 'default-key.txt is mode 0600');

    // The server has just authenticated someone, so its key cache is warm when the CLI adds a key.
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: defaultKey, maxRetries: 0 });
    for (let i = 0; i < 3; i++) {
      const r = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: `before kill ${i}` }] });
      assert.match(r.choices[0]!.message.content ?? '', /before kill/);
    }
    const created = cli('keys', 'create', '--name', 'persist', '--rpd', '4', '--data-dir', dataDir);
    assert.equal(created.status, 0, created.stderr);
    persistKey = /^\s+(sb-\S+)\s*$/m.exec(created.stdout)?.[1] ?? '';
    assert.match(persistKey, /^sb-/);
    await eventually('the new key being accepted', async () => {
      const res = await chat(s.url, persistKey, 'new key');
      await res.arrayBuffer();
      return res.status === 200;
    });
    const u = await fetch(`${s.url}/v1/usage`, { headers: { authorization: `Bearer ${persistKey}` } });
    const body = (await u.json()) as { key: { name: string }; limits: { rpd?: number }; usage: { total: { requests: number } } };
    assert.equal(body.key.name, 'persist');
    assert.equal(body.limits.rpd, 4);
    assert.ok(body.usage.total.requests >= 1);

    // A key disabled from the CLI stops working without a restart too.
    const temp = cli('keys', 'create', '--name', 'temp', '--data-dir', dataDir);
    tempKey = /^\s+(sb-\S+)\s*$/m.exec(temp.stdout)?.[1] ?? '';
    assert.match(tempKey, /^sb-/);
    await eventually('the temp key being accepted', async () => (await chat(s.url, tempKey, 'temp')).status === 200);
    assert.equal(cli('keys', 'disable', 'temp', '--data-dir', dataDir).status, 0);
    await eventually('the disabled key being refused', async () => {
      const r = await chat(s.url, tempKey, 'temp again');
      if (r.status !== 403) return false;
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'api_key_disabled');
      return true;
    });

    // Bring the persist key to exactly 2 counted requests today, whatever the polling above used.
    const used = (await (await fetch(`${s.url}/v1/usage`, { headers: { authorization: `Bearer ${persistKey}` } })).json()) as { current: { requestsToday: number } };
    assert.ok(used.current.requestsToday <= 2, `persist used ${used.current.requestsToday}`);
    for (let i = used.current.requestsToday; i < 2; i++) assert.equal((await chat(s.url, persistKey, `fill ${i}`)).status, 200);

    // kill -9: no shutdown hook runs.
    s.child.kill('SIGKILL');
    await s.exited;
    assert.equal(s.child.signalCode, 'SIGKILL');
  });

  it('after kill -9, `usage` shows the earlier requests', () => {
    const rows = usageRows();
    assert.equal(requestsOf(rows, 'default'), 3);
    assert.equal(requestsOf(rows, 'persist'), 2);
    const persist = rows.find((r) => r.keyName === 'persist')!;
    assert.equal(persist.model, 'gpt-fake');
    assert.ok(persist.totals.inputTokens > 0 && persist.totals.outputTokens > 0);
    const table = cli('usage', '--data-dir', dataDir);
    assert.equal(table.status, 0);
    assert.match(table.stdout, /persist/);
    assert.match(table.stdout, /default/);
  });

  it('restarted on the same data folder: keys still work, usage and daily counts carry over', async () => {
    const s = await start();
    assert.ok(!/Gateway key \(shown once/.test(s.out()), 'no new default key on restart');
    assert.equal(fs.readFileSync(path.join(dataDir, 'default-key.txt'), 'utf8').trim(), defaultKey);

    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: defaultKey, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'gpt-fake', messages: [{ role: 'user', content: 'after restart' }] });
    assert.match(r.choices[0]!.message.content ?? '', /after restart/);

    const u1 = (await (await fetch(`${s.url}/v1/usage`, { headers: { authorization: `Bearer ${persistKey}` } })).json()) as
      { usage: { total: { requests: number } }; current: { requestsToday: number }; remaining: { requestsToday?: number } };
    assert.equal(u1.usage.total.requests, 2);
    assert.equal(u1.current.requestsToday, 2);
    assert.equal(u1.remaining.requestsToday, 2);
    // RPD 4 with 2 used before the crash: exactly 2 more today.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) { const res = await chat(s.url, persistKey, `after ${i}`); statuses.push(res.status); await res.arrayBuffer(); }
    assert.deepEqual(statuses, [200, 200, 429, 429]);

    // The key disabled in the first run stays disabled.
    const disabled = await chat(s.url, tempKey, 'x');
    assert.equal(disabled.status, 403);
    assert.equal(((await disabled.json()) as { error: { code: string } }).error.code, 'api_key_disabled');

    // A clean stop this time, then the totals include both runs.
    const code = await new Promise<number | null>((resolve) => { void s.exited.then(resolve); s.child.kill('SIGTERM'); });
    assert.equal(code, 0);
    const rows = usageRows();
    assert.equal(requestsOf(rows, 'default'), 4);
    assert.equal(requestsOf(rows, 'persist'), 4);
  });

  it('no gateway key plaintext is written anywhere in the data folder (the default key file aside)', () => {
    const files = filesUnder(dataDir);
    const names = files.map((f) => path.relative(dataDir, f)).sort();
    assert.ok(names.includes('keys.json'), `keys.json exists: ${names.join(', ')}`);
    assert.ok(names.some((n) => n.startsWith('usage')), `usage files exist: ${names.join(', ')}`);
    const secrets = [defaultKey, persistKey, UPSTREAM_KEY];
    // The random part alone too, in case a key were stored without its prefix, and base64 of the whole key.
    const needles = secrets.flatMap((k) => [k, k.replace(/^sb-/, ''), Buffer.from(k).toString('base64')]);
    for (const f of files) {
      if (path.basename(f) === 'default-key.txt') {
        assert.equal(fs.statSync(f).mode & 0o777, 0o600);
        continue;
      }
      const text = fs.readFileSync(f, 'latin1');
      for (const n of needles) assert.ok(!text.includes(n), `${path.relative(dataDir, f)} contains a secret`);
    }
    // keys.json holds the hints (last 4 characters) and hashes, so the scan above looked at the right file.
    const keysJson = fs.readFileSync(path.join(dataDir, 'keys.json'), 'utf8');
    assert.ok(keysJson.includes(`"hint": "${persistKey.slice(-4)}"`));
    assert.match(keysJson, /"hash": "[0-9a-f]{64}"/);
    assert.equal(fs.statSync(path.join(dataDir, 'keys.json')).mode & 0o077, 0, 'keys.json readable by its owner only');
  });
});
