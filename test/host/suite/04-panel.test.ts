// The management panel in a real extension host: the webview renders, and panel messages reach the real services.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { PanelTestHook } from '../../../src/host/panel/panel';
import type { SwitchboardApi } from '../../../src/host/api';
import type { ToWebview } from '../../../src/shared/webview-protocol';
import { getApi, harnessUrl, startFakeOpenAI } from './helpers';

/** src/host/panel/panel.ts PANEL_TEST_COMMAND (registered only in the extension's test mode). */
const HOOK_COMMAND = 'switchboard.panel.testHook';
const PROVIDER = 'panel-test';
const SENTINEL = 'sk-PANEL-SENTINEL-upstream-key-5150';

async function webviewTexts(): Promise<string[]> {
  return ((await (await fetch(`${harnessUrl}/webview-text`)).json()) as { texts: string[] }).texts;
}

/** Bounded poll of the rendered webview text (the webview renders in the browser; the host cannot await it). */
async function waitForText(pred: (all: string) => boolean): Promise<string> {
  let all = '';
  for (let i = 0; i < 80; i++) {
    all = (await webviewTexts()).join('\n');
    if (pred(all)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return all;
}

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('switchboard.panel'));
}

describe('panel', () => {
  let api: SwitchboardApi;
  let hook: PanelTestHook;
  let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
  const posted = (type: ToWebview['type']): ToWebview[] => hook.posted().filter((m) => m.type === type);

  before(async () => {
    api = await getApi();
    fake = await startFakeOpenAI();
  });
  after(async () => {
    if (hook) await hook.dispatch({ type: 'provider/delete', id: PROVIDER });
    await fake?.close();
  });

  it('opens one panel whose webview renders the real UI', async function () {
    assert.strictEqual(await vscode.commands.executeCommand('switchboard.openPanel'), true);
    assert.strictEqual(await vscode.commands.executeCommand('switchboard.openPanel'), true, 'a second open reveals');
    // The tab model follows the workbench asynchronously: bounded wait for the tab to show up.
    for (let i = 0; i < 40 && panelTabs().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const all = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => (t.input instanceof vscode.TabInputWebview ? t.input.viewType : t.label));
    assert.strictEqual(panelTabs().length, 1, `a singleton: ${JSON.stringify(all)}`);
    const h = await vscode.commands.executeCommand<PanelTestHook | undefined>(HOOK_COMMAND);
    assert.ok(h, 'the test hook is there in test mode');
    hook = h;
    if (!harnessUrl) return this.skip(); // webview text is only reachable through the web harness
    // Tab names come from the bundled webview UI (dist/webview.js), proving its script ran under the CSP.
    // "Gateway running at…/Gateway stopped" needs the host's state: panel/ready → state/changed arrived and rendered.
    const text = await waitForText((t) => t.includes('Gateway keys') && /Gateway (running|stopped)/.test(t));
    assert.ok(text.includes('Gateway keys') && text.includes('Model mappings'), text.slice(0, 2000));
    assert.match(text, /Gateway (running|stopped)/, text.slice(0, 2000));
    assert.ok(posted('state/changed').length >= 1);
  });

  it('a key added through the panel lands in SecretStorage, never in settings or globalState', async () => {
    await hook.dispatch({ type: 'provider/save', provider: { id: PROVIDER, type: 'openai-compatible', baseUrl: fake.url, headers: {}, models: ['m1'], enabled: true } });
    await hook.dispatch({ type: 'key/add', providerId: PROVIDER, label: 'from-panel', secret: SENTINEL });
    const keys = api.providerKeys(PROVIDER);
    assert.deepStrictEqual(keys.map((k) => [k.label, k.hint]), [['from-panel', '…5150']]);
    assert.strictEqual(await api.secretMatches(PROVIDER, keys[0]!.keyId, SENTINEL), true, 'in SecretStorage');
    const providers = JSON.stringify(vscode.workspace.getConfiguration('switchboard').inspect('providers'));
    assert.ok(providers.includes(PROVIDER), 'the provider is in settings');
    assert.ok(!providers.includes(SENTINEL), 'the key is not in settings');
    assert.ok(!api.globalStateJson().includes(SENTINEL), 'the key is not in globalState');
    const all = JSON.stringify(hook.posted());
    assert.ok(!all.includes(SENTINEL), 'no message to the webview carries the key');
    const state = posted('state/changed').at(-1);
    assert.ok(state && state.type === 'state/changed');
    const view = state.state.providers.find((p) => p.id === PROVIDER);
    assert.deepStrictEqual(view?.keys.map((k) => [k.label, k.hint]), [['from-panel', '…5150']]);
    if (!harnessUrl) return;
    const text = await waitForText((t) => t.includes('from-panel'));
    assert.ok(text.includes('from-panel'), 'the webview lists the key by label');
    assert.ok(!text.includes(SENTINEL));
    const shot = (await (await fetch(`${harnessUrl}/screenshot?name=panel`)).json()) as { file?: string };
    assert.ok(shot.file, 'screenshot written to .vscode-test/host/panel.png');
  });

  it('provider/test calls the upstream model list with the provider\'s key', async () => {
    const before = fake.seen.length;
    await hook.dispatch({ type: 'provider/test', id: PROVIDER });
    const r = posted('provider/tested').at(-1);
    assert.ok(r && r.type === 'provider/tested');
    assert.strictEqual(r.ok, true, r.message);
    assert.ok(!r.message.includes(SENTINEL));
    const seen = fake.seen.slice(before);
    assert.deepStrictEqual(seen.map((s) => [s.path, s.authorization]), [['/v1/models', `Bearer ${SENTINEL}`]]);
  });

  it('a created gateway key is sent once, kept in SecretStorage, and copied from there', async () => {
    const name = `panel-${Date.now()}`;
    await hook.dispatch({ type: 'gatewayKey/create', name, models: [], denyModels: [], rpm: 5 });
    const created = posted('gatewayKey/created');
    assert.strictEqual(created.length, 1);
    const c = created[0]!;
    assert.ok(c.type === 'gatewayKey/created' && c.key.startsWith('sb-'));
    const others = hook.posted().filter((m) => m.type !== 'gatewayKey/created');
    assert.ok(!JSON.stringify(others).includes(c.key), 'the plaintext appears in no other message');
    const st = posted('state/changed').at(-1);
    assert.ok(st && st.type === 'state/changed' && st.state.gatewayKeys.some((k) => k.id === c.id && k.limits.rpm === 5));
    await hook.dispatch({ type: 'gatewayKey/copy', id: c.id });
    assert.strictEqual(await vscode.env.clipboard.readText(), c.key);
    // Client setup: the webview's snippets carry a placeholder; Copy puts the real key on the clipboard only.
    assert.ok(st.type === 'state/changed' && st.state.setups.length === 3 && !JSON.stringify(st.state.setups).includes(c.key));
    await hook.dispatch({ type: 'setup/copy', client: 'codex', keyId: c.id, model: 'm1' });
    const copied = await vscode.env.clipboard.readText();
    assert.ok(copied.includes('wire_api = "responses"') && copied.includes('model = "m1"') && copied.includes(c.key), copied);
    await hook.dispatch({ type: 'gatewayKey/delete', id: c.id });
    const after = posted('state/changed').at(-1);
    assert.ok(after && after.type === 'state/changed' && !after.state.gatewayKeys.some((k) => k.id === c.id));
  });

  it('answers a malformed message with an error notice and changes nothing', async () => {
    await hook.dispatch({ type: 'key/add', providerId: PROVIDER, label: 'x' });
    const n = posted('notice').at(-1);
    assert.ok(n && n.type === 'notice' && n.level === 'error' && /secret/.test(n.text), JSON.stringify(n));
    assert.strictEqual(api.providerKeys(PROVIDER).length, 1);
  });

  it('deleting the provider removes its keys from SecretStorage', async () => {
    const keyId = api.providerKeys(PROVIDER)[0]!.keyId;
    await hook.dispatch({ type: 'provider/delete', id: PROVIDER });
    assert.deepStrictEqual(api.providerKeys(PROVIDER), []);
    assert.strictEqual(await api.secretMatches(PROVIDER, keyId, SENTINEL), false);
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('switchboard').inspect('providers')).includes(PROVIDER));
  });
});
