/**
 * The generated client setups actually work: the official SDKs, configured ONLY from values read back out of the
 * copied text (TOML parsed with smol-toml, shell exports evaluated by sh, JSON parsed), complete requests through
 * the real gateway to a fake OpenAI upstream.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import Anthropic from '@anthropic-ai/sdk';
import { parse as parseJsonc } from 'jsonc-parser';
import OpenAI from 'openai';
import { parse } from 'smol-toml';
import { buildSetups, claudeCodeSetup, codexSetup, kiloSetup, type SetupInput } from '../../src/shared/client-setups';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { startGateway, type TestGateway } from '../helpers/gateway';

/** Runs the text's `export` lines in sh and returns the named variables. */
function shellEnv(text: string, names: string[]): Record<string, string> {
  const exports = text.split('\n').filter((l) => l.startsWith('export ')).join('\n');
  const script = `${exports}\n${names.map((n) => `printf '%s\\0' "$${n}"`).join('\n')}`;
  const out = execFileSync('/bin/sh', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: 'utf8' }).split('\0');
  return Object.fromEntries(names.map((n, i) => [n, out[i] ?? '']));
}

/** The JSON object that follows `marker` in the copied text. */
function jsonAfter(text: string, marker: string): unknown {
  const from = text.indexOf('{', text.indexOf(marker));
  return parseJsonc(text.slice(from));
}

describe('client setups drive the official SDKs (copied values only)', () => {
  let fake: FakeOpenAI;
  let gw: TestGateway;
  let input: SetupInput;

  before(async () => {
    fake = await startFakeOpenAI();
    gw = await startGateway({ providers: [{ id: 'oa', type: 'openai-compatible', baseUrl: fake.baseURL, keys: [{ label: 'up', key: 'sk-up-1' }], models: [{ id: 'gpt-fake', contextWindow: 64000 }] }] });
    input = { baseUrl: gw.url, key: gw.key, model: 'gpt-fake', contextWindow: 64000 };
  });
  after(async () => { await gw.close(); await fake.close(); });

  it('Codex: config.toml base_url + env_key + model → Responses API stream through the gateway', async () => {
    const text = buildSetups(input).find((s) => s.client === 'codex')!.text;
    const toml = parse(text) as { model_provider: string; model: string; model_providers: Record<string, { base_url: string; env_key: string; wire_api: string }> };
    const provider = toml.model_providers[toml.model_provider]!;
    assert.equal(provider.wire_api, 'responses');
    const exportLine = text.split('\n').find((l) => l.startsWith(`# export ${provider.env_key}=`))!.slice(2);
    const env = shellEnv(exportLine, [provider.env_key]);
    const client = new OpenAI({ baseURL: provider.base_url, apiKey: env[provider.env_key], maxRetries: 0 });
    const stream = await client.responses.create({ model: toml.model, input: 'hello codex', stream: true, store: false });
    let out = '';
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') out += ev.delta;
      if (ev.type === 'response.completed') completed = true;
    }
    assert.ok(completed, 'response.completed arrived');
    assert.match(out, /hello codex/);
    assert.equal(codexSetup(input).envKey, provider.env_key);
  });

  it('Claude Code: shell exports → Anthropic SDK (Bearer auth token, base URL without /v1)', async () => {
    const text = claudeCodeSetup(input).exports;
    const env = shellEnv(text, ['ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY', 'ANTHROPIC_MODEL']);
    assert.equal(env.ANTHROPIC_API_KEY, '', 'only one auth variable is set');
    const client = new Anthropic({ baseURL: env.ANTHROPIC_BASE_URL, authToken: env.ANTHROPIC_AUTH_TOKEN, apiKey: null, maxRetries: 0 });
    const msg = await client.messages.create({ model: env.ANTHROPIC_MODEL!, max_tokens: 64, messages: [{ role: 'user', content: 'hello claude' }] });
    const first = msg.content[0];
    assert.ok(first && first.type === 'text' && /hello claude/.test(first.text), JSON.stringify(msg.content));
  });

  it('Claude Code: the settings.json env block → Anthropic SDK streaming', async () => {
    const text = buildSetups(input).find((s) => s.client === 'claude-code')!.text;
    const { env } = jsonAfter(text, 'settings.json') as { env: Record<string, string> };
    assert.equal(['ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_API_KEY'].filter((k) => k in env).length, 1);
    const client = new Anthropic({ baseURL: env.ANTHROPIC_BASE_URL, authToken: env.ANTHROPIC_AUTH_TOKEN, apiKey: null, maxRetries: 0 });
    const stream = client.messages.stream({ model: env.ANTHROPIC_DEFAULT_HAIKU_MODEL!, max_tokens: 64, messages: [{ role: 'user', content: 'stream claude' }] });
    const final = await stream.finalMessage();
    const first = final.content[0];
    assert.ok(first && first.type === 'text' && /stream claude/.test(first.text));
  });

  it('Kilo Code: legacy "OpenAI Compatible" fields → chat completions stream; the model is listed', async () => {
    const fields = Object.fromEntries(kiloSetup(input).fields);
    assert.equal(fields['Context Window'], '64000');
    const client = new OpenAI({ baseURL: fields['Base URL'], apiKey: fields['API Key'], maxRetries: 0 });
    const models = await client.models.list();
    assert.ok(models.data.some((m) => m.id === fields.Model), 'Kilo auto-fetches /v1/models');
    const stream = await client.chat.completions.create({ model: fields.Model!, stream: true, messages: [{ role: 'user', content: 'hello kilo' }] });
    let out = '';
    for await (const c of stream) out += c.choices[0]?.delta?.content ?? '';
    assert.match(out, /hello kilo/);
  });

  it('Kilo Code: kilo.jsonc provider options → chat completion', async () => {
    const text = buildSetups(input).find((s) => s.client === 'kilo-code')!.text;
    const cfg = jsonAfter(text, 'kilo.jsonc') as { provider: Record<string, { options: { baseURL: string; apiKey: string } }>; model: string };
    const [providerId, model] = [cfg.model.slice(0, cfg.model.indexOf('/')), cfg.model.slice(cfg.model.indexOf('/') + 1)];
    const { baseURL, apiKey } = cfg.provider[providerId]!.options;
    const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
    const r = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello jsonc' }] });
    assert.match(r.choices[0]!.message.content ?? '', /hello jsonc/);
  });
});
