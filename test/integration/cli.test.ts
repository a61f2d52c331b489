/** The built CLI, run as a child process, serves /health at once with the embedded default config. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CLI = path.resolve('dist/cli.js');

describe('switchboard CLI (built, child process)', function () {
  this.timeout(60_000);
  before(function () {
    if (!fs.existsSync(CLI)) spawnSync(process.execPath, ['esbuild.mjs', '--only', 'cli'], { stdio: 'inherit' });
    assert.ok(fs.existsSync(CLI), 'dist/cli.js was built');
  });

  it('serve answers /health, prints its URL, and exits cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cli-'));
    const env = { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', GEMINI_API_KEY: '', GOOGLE_API_KEY: '', DEEPSEEK_API_KEY: '', OPENROUTER_API_KEY: '', OLLAMA_HOST: '127.0.0.1:9' };
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => { const m = /listening on (http:\/\/\S+)/.exec(out); if (m) resolve(m[1]!); };
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const res = await fetch(`${url}/health`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok');
    const key = /Gateway key[^:]*: (sb-\S+)/.exec(out)?.[1];
    assert.ok(key, 'a default gateway key was printed once');
    assert.equal(fs.readFileSync(path.join(dataDir, 'default-key.txt'), 'utf8').trim(), key);
    assert.equal(fs.statSync(path.join(dataDir, 'default-key.txt')).mode & 0o077, 0, 'key file readable by the user only');
    const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(models.status, 200);
    const code = await new Promise<number | null>((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); });
    assert.equal(code, 0);
  });

  it('rejects an invalid config naming the JSON path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cli-'));
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ providers: [{ id: 'x', type: 'nope', keys: [] }] }));
    const r = spawnSync(process.execPath, [CLI, 'serve', '--config', file, '--port', '0', '--data-dir', dir], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\$\.providers\[0\]\.type/);
  });
});
