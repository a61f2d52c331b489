import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse } from 'smol-toml';
import { applyPlan, backupPath, configPath, hasBackup, planFor, restoreFile } from '../../../src/host/client-configs';

const input = { baseUrl: 'http://127.0.0.1:4848', key: 'sb-secret-123456', model: 'gpt-5', contextWindow: 128000 };

describe('host/client-configs', () => {
  let home: string;
  let env: { HOME: string };
  beforeEach(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-home-')); env = { HOME: home }; });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const write = (client: 'codex' | 'claude-code' | 'kilo-code', text: string): string => {
    const f = configPath(client, env);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
    return f;
  };

  it('resolves CODEX_HOME, HOME and XDG_CONFIG_HOME', () => {
    assert.equal(configPath('codex', { HOME: '/h' }), '/h/.codex/config.toml');
    assert.equal(configPath('codex', { HOME: '/h', CODEX_HOME: '/c' }), '/c/config.toml');
    assert.equal(configPath('claude-code', { HOME: '/h' }), '/h/.claude/settings.json');
    assert.equal(configPath('kilo-code', { HOME: '/h' }), '/h/.config/kilo/kilo.jsonc');
    assert.equal(configPath('kilo-code', { HOME: '/h', XDG_CONFIG_HOME: '/x' }), '/x/kilo/kilo.jsonc');
  });

  it('Codex: blocks keep the user TOML (comments included); Configure twice then Restore is byte-identical', () => {
    const original = '# my codex config\napproval_policy = "never"\n\n[mcp_servers.x]\ncommand = "x" # keep me\n';
    const f = write('codex', original);
    const plan = planFor('codex', input, env);
    assert.ok(plan.after.includes(original.slice(0, 18)) && plan.after.includes('command = "x" # keep me'));
    applyPlan(plan);
    const t = parse(fs.readFileSync(f, 'utf8')) as Record<string, unknown> & { model_providers: { switchboard: { wire_api: string } }; mcp_servers: { x: { command: string } } };
    assert.equal(t.model_provider, 'switchboard');
    assert.equal(t.approval_policy, 'never', 'root key of the user still at root');
    assert.equal(t.mcp_servers.x.command, 'x');
    assert.equal(t.model_providers.switchboard.wire_api, 'responses');
    applyPlan(planFor('codex', { ...input, model: 'other' }, env));
    const again = fs.readFileSync(f, 'utf8');
    assert.equal(again.match(/>>> switchboard provider/g)!.length, 1, 'blocks replaced, not duplicated');
    assert.ok(again.includes('model = "other"'));
    assert.equal(restoreFile(f)!.outcome, 'restored');
    assert.equal(fs.readFileSync(f, 'utf8'), original);
    assert.equal(hasBackup(f), false);
  });

  it('Codex: the user\'s own root model stays; an edit after Configure survives Restore', () => {
    const original = 'model = "o3"\n';
    const f = write('codex', original);
    const plan = planFor('codex', input, env);
    assert.ok(plan.notes.some((n) => n.includes('model')));
    applyPlan(plan);
    fs.appendFileSync(f, 'hide_agent_reasoning = true\n');
    assert.equal(restoreFile(f)!.outcome, 'reverted-own-changes');
    assert.equal(fs.readFileSync(f, 'utf8'), 'model = "o3"\nhide_agent_reasoning = true\n');
  });

  it('Codex: refuses invalid TOML and a foreign [model_providers.switchboard]', () => {
    write('codex', 'x = = 1\n');
    assert.throws(() => planFor('codex', input, env), /not valid TOML/);
    write('codex', '[model_providers.switchboard]\nname = "mine"\n');
    assert.throws(() => planFor('codex', input, env), /already defines/);
  });

  it('Claude Code: env merged into settings.json; exactly one auth variable; Restore is byte-identical', () => {
    const original = '{\n    "permissions": { "allow": ["Bash(ls)"] },\n    "env": { "FOO": "1", "ANTHROPIC_API_KEY": "old" }\n}\n';
    const f = write('claude-code', original);
    applyPlan(planFor('claude-code', input, env));
    const j = JSON.parse(fs.readFileSync(f, 'utf8')) as { env: Record<string, string>; permissions: unknown };
    assert.equal(j.env.FOO, '1');
    assert.equal(j.env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:4848');
    assert.equal(j.env.ANTHROPIC_API_KEY, input.key, 'keeps the auth variable the user already used');
    assert.ok(!('ANTHROPIC_AUTH_TOKEN' in j.env));
    assert.deepEqual(j.permissions, { allow: ['Bash(ls)'] });
    restoreFile(f);
    assert.equal(fs.readFileSync(f, 'utf8'), original);
  });

  it('Claude Code: a new file and its folder disappear again on Restore', () => {
    const f = configPath('claude-code', env);
    applyPlan(planFor('claude-code', input, env));
    const j = JSON.parse(fs.readFileSync(f, 'utf8')) as { env: Record<string, string> };
    assert.equal(j.env.ANTHROPIC_AUTH_TOKEN, input.key);
    assert.equal(restoreFile(f)!.outcome, 'removed');
    assert.equal(fs.existsSync(path.dirname(f)), false);
    assert.equal(fs.existsSync(backupPath(f)), false);
  });

  it('Kilo: JSONC comments survive; a later user edit is kept and only our paths are reverted', () => {
    const original = '{\n  // my kilo\n  "model": "anthropic/claude",\n  "provider": { "anthropic": {} }\n}\n';
    const f = write('kilo-code', original);
    applyPlan(planFor('kilo-code', input, env));
    const text = fs.readFileSync(f, 'utf8');
    assert.ok(text.includes('// my kilo'));
    const j = parseJsonc(text) as { model: string; provider: Record<string, { options?: { baseURL: string } }> };
    assert.equal(j.model, 'switchboard/gpt-5');
    assert.ok(j.provider.anthropic);
    assert.equal(j.provider.switchboard!.options!.baseURL, 'http://127.0.0.1:4848/v1');
    fs.writeFileSync(f, text.replace('// my kilo', '// my kilo, edited'));
    assert.equal(restoreFile(f)!.outcome, 'reverted-own-changes');
    const back = fs.readFileSync(f, 'utf8');
    assert.ok(back.includes('// my kilo, edited'));
    const jb = parseJsonc(back) as { model: string; provider: Record<string, unknown> };
    assert.equal(jb.model, 'anthropic/claude');
    assert.deepEqual(Object.keys(jb.provider), ['anthropic']);
  });

  it('refuses to write when the file changed after the preview', () => {
    const f = write('kilo-code', '{}\n');
    const plan = planFor('kilo-code', input, env);
    fs.writeFileSync(f, '{"x":1}\n');
    assert.throws(() => applyPlan(plan), /changed since the preview/);
  });
});
