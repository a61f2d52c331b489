import assert from 'node:assert/strict';
import { parse } from 'smol-toml';
import { buildSetups, claudeCodeSetup, codexSetup, kiloSetup, rootUrl, v1Url } from '../../../src/shared/client-setups';

const input = { baseUrl: 'http://127.0.0.1:4848', key: "sb-te'st-key", model: 'claude-sonnet', contextWindow: 200000, maxOutputTokens: 32000 };

describe('host/client-setups', () => {
  it('normalizes the root and /v1 URLs', () => {
    for (const u of ['http://h:1', 'http://h:1/', 'http://h:1/v1', 'http://h:1/v1/']) {
      assert.equal(rootUrl(u), 'http://h:1');
      assert.equal(v1Url(u), 'http://h:1/v1');
    }
  });

  it('Codex: TOML fragment parses, responses wire API, no websockets, env_key, base_url ends in /v1', () => {
    const s = codexSetup(input);
    const toml = parse(`${s.rootToml}\n${s.providerToml}`) as { model_provider: string; model: string; model_providers: { switchboard: Record<string, unknown> } };
    assert.equal(toml.model_provider, 'switchboard');
    assert.equal(toml.model, 'claude-sonnet');
    const p = toml.model_providers.switchboard;
    assert.equal(p.wire_api, 'responses');
    assert.equal(p.supports_websockets, false);
    assert.equal(p.env_key, 'SWITCHBOARD_API_KEY');
    assert.equal(p.base_url, 'http://127.0.0.1:4848/v1');
    // The whole clipboard text parses too (the export line is a comment there).
    assert.doesNotThrow(() => parse(s.text));
    assert.ok(s.text.includes(`export SWITCHBOARD_API_KEY='sb-te'\\''st-key'`), s.text);
  });

  it('Claude Code: root base URL, exactly one auth variable, all model variables', () => {
    const s = claudeCodeSetup(input);
    assert.equal(s.env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:4848');
    const auth = Object.keys(s.env).filter((k) => k === 'ANTHROPIC_AUTH_TOKEN' || k === 'ANTHROPIC_API_KEY');
    assert.deepEqual(auth, ['ANTHROPIC_AUTH_TOKEN']);
    for (const k of ['ANTHROPIC_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL']) assert.equal(s.env[k], 'claude-sonnet');
    assert.deepEqual(JSON.parse(s.settingsJson), { env: s.env });
    assert.ok(!s.text.includes('/v1'), 'no /v1 anywhere in the Claude Code setup');
    assert.ok(!s.text.includes('ANTHROPIC_API_KEY'));
    const alt = claudeCodeSetup(input, 'ANTHROPIC_API_KEY');
    assert.ok(!('ANTHROPIC_AUTH_TOKEN' in alt.env) && alt.env.ANTHROPIC_API_KEY === input.key);
  });

  it('Kilo: OpenAI Compatible fields with /v1 and the context window; kilo.jsonc block', () => {
    const s = kiloSetup(input);
    assert.deepEqual(Object.fromEntries(s.fields), {
      'API Provider': 'OpenAI Compatible', 'Base URL': 'http://127.0.0.1:4848/v1', 'API Key': input.key,
      Model: 'claude-sonnet', 'Context Window': '200000', 'Max Output Tokens': '32000',
    });
    const j = JSON.parse(s.jsonc) as { provider: { switchboard: { npm: string; options: { baseURL: string }; models: Record<string, { limit?: { context: number } }> } }; model: string };
    assert.equal(j.provider.switchboard.npm, '@ai-sdk/openai-compatible');
    assert.equal(j.provider.switchboard.options.baseURL, 'http://127.0.0.1:4848/v1');
    assert.equal(j.provider.switchboard.models['claude-sonnet']!.limit!.context, 200000);
    assert.equal(j.model, 'switchboard/claude-sonnet');
    assert.ok(s.text.includes('Context Window: 200000'));
    assert.ok(!kiloSetup({ ...input, contextWindow: undefined }).text.includes('Context Window'));
  });

  it('buildSetups returns the three clients in order', () => {
    const all = buildSetups(input);
    assert.deepEqual(all.map((s) => s.client), ['codex', 'claude-code', 'kilo-code']);
    assert.ok(all.every((s) => s.title && s.text.includes(input.model)));
  });
});
