import * as assert from 'assert';
import * as vscode from 'vscode';
import type { SwitchboardApi } from '../../../src/host/api';
import { getApi, nextState, startFakeOpenAI, waitForState } from './helpers';

const PROVIDER = 'host-test';
// Built at run time so the literal never sits in a file a scanner would flag; shaped like a real key on purpose.
const SECRET = ['sk', 'hosttest', Math.random().toString(36).slice(2), 'a1b2'].join('-');

function providersSetting(): unknown[] {
  return vscode.workspace.getConfiguration('switchboard').inspect<unknown[]>('providers')?.globalValue ?? [];
}

async function chat(api: SwitchboardApi, model: string): Promise<Response> {
  // Send the gateway key when the gateway requires one: the user's way to get it is the copy command.
  await vscode.env.clipboard.writeText('');
  const copied = await vscode.commands.executeCommand<boolean>('switchboard.copyGatewayKey');
  const key = copied ? await vscode.env.clipboard.readText() : '';
  return fetch(`${api.baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }] }),
  });
}

describe('provider keys in SecretStorage', () => {
  let api: SwitchboardApi;
  let upstream: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let keyId: string | undefined;

  before(async () => {
    api = await getApi();
    await waitForState(api, (s) => s.kind === 'running');
    upstream = await startFakeOpenAI();
  });

  after(async () => {
    const rest = providersSetting().filter((p) => (p as { id?: string }).id !== PROVIDER);
    await vscode.workspace.getConfiguration('switchboard').update('providers', rest.length ? rest : undefined, vscode.ConfigurationTarget.Global);
    if (keyId) await api.removeProviderKey(PROVIDER, keyId);
    await upstream.close();
  });

  it('addProvider stores the key in SecretStorage and only non-secret fields in settings', async () => {
    const r = await vscode.commands.executeCommand<{ providerId: string; key?: { keyId: string; label: string; hint: string } }>(
      'switchboard.addProvider', { type: 'openai-compatible', id: PROVIDER, baseUrl: upstream.url, key: SECRET, label: 'primary' });
    assert.ok(r && r.key, 'command returned the new key entry');
    keyId = r.key.keyId;
    assert.strictEqual(r.key.hint, `…${SECRET.slice(-4)}`);
    assert.deepStrictEqual(api.providerKeys(PROVIDER), [{ keyId, label: 'primary', hint: `…a1b2` }]);
    assert.strictEqual(await api.secretMatches(PROVIDER, keyId, SECRET), true, 'SecretStorage holds the key');
    assert.strictEqual(await api.secretMatches(PROVIDER, keyId, SECRET + 'x'), false);
    const entry = providersSetting().find((p) => (p as { id?: string }).id === PROVIDER);
    assert.deepStrictEqual(entry, { id: PROVIDER, type: 'openai-compatible', baseUrl: upstream.url });
  });

  it('the key is in neither settings nor globalState', () => {
    const config = vscode.workspace.getConfiguration('switchboard');
    const dump = JSON.stringify(['providers', 'modelMappings', 'host', 'port', 'authMode'].map((k) => config.inspect(k)));
    assert.ok(dump.includes(PROVIDER), 'the provider itself is in settings');
    assert.ok(!dump.includes(SECRET), 'no key in settings');
    const state = api.globalStateJson();
    assert.ok(state.includes(keyId!), 'the key index is in globalState');
    assert.ok(!state.includes(SECRET), 'no key in globalState');
    assert.ok(!state.includes(SECRET.slice(0, -4)), 'not even a prefix of it');
  });

  it('the gateway requires a gateway key; the default one is in SecretStorage and copyGatewayKey hands it out', async () => {
    const anonymous = await fetch(`${api.baseUrl}/v1/models`);
    assert.strictEqual(anonymous.status, 401, await anonymous.text());
    await vscode.env.clipboard.writeText('');
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('switchboard.copyGatewayKey'), true);
    const key = await vscode.env.clipboard.readText();
    assert.match(key, /^sb-[A-Za-z0-9]{40}$/);
    assert.ok(!api.globalStateJson().includes(key), 'the gateway key is not in globalState');
    const authed = await fetch(`${api.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    assert.strictEqual(authed.status, 200, await authed.text());
  });

  it('the gateway sends the key upstream from memory (settings + secret applied without reload)', async () => {
    const res = await chat(api, `${PROVIDER}/m1`);
    const text = await res.text();
    assert.strictEqual(res.status, 200, text);
    const body = JSON.parse(text) as { choices: Array<{ message: { content: string } }> };
    assert.strictEqual(body.choices[0]!.message.content, 'pong from fake upstream');
    const call = upstream.seen.find((s) => s.path.endsWith('/chat/completions'));
    assert.ok(call, JSON.stringify(upstream.seen));
    assert.strictEqual(call.authorization, `Bearer ${SECRET}`);
    assert.strictEqual(call.model, 'm1');
  });

  it('a model mapping changed in settings applies to the running gateway', async () => {
    const applied = nextState(api);
    await vscode.workspace.getConfiguration('switchboard').update('modelMappings', [{ from: 'host-alias', to: `${PROVIDER}/m1` }], vscode.ConfigurationTarget.Global);
    assert.strictEqual((await applied).kind, 'running');
    try {
      // The reconfigure runs on the settings event; retry a few times (bounded) rather than sleep.
      let res: Response | undefined;
      for (let i = 0; i < 20; i++) {
        res = await chat(api, 'host-alias');
        if (res.status === 200) break;
        await res.text();
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.strictEqual(res!.status, 200, await res!.text());
      assert.strictEqual(upstream.seen.at(-1)!.model, 'm1');
    } finally {
      await vscode.workspace.getConfiguration('switchboard').update('modelMappings', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('removing the key deletes it from SecretStorage and the index', async () => {
    assert.strictEqual(await api.removeProviderKey(PROVIDER, keyId!), true);
    assert.strictEqual(await api.secretMatches(PROVIDER, keyId!, SECRET), false);
    assert.deepStrictEqual(api.providerKeys(PROVIDER), []);
    keyId = undefined;
  });
});
