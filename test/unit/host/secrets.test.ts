import assert from 'node:assert/strict';
import { HostSecrets, KEY_INDEX_STATE, keyHint, providerSecretName, type MementoLike, type SecretStorageLike } from '../../../src/host/secrets';

/** In-memory stand-ins for vscode.SecretStorage and vscode.Memento, with the same event behaviour. */
function fakes() {
  const secrets = new Map<string, string>();
  const state = new Map<string, unknown>();
  const listeners = new Set<(e: { key: string }) => unknown>();
  const fire = (key: string): void => { for (const l of listeners) l({ key }); };
  const storage: SecretStorageLike = {
    get: async (k) => secrets.get(k),
    store: async (k, v) => { secrets.set(k, v); fire(k); },
    delete: async (k) => { secrets.delete(k); fire(k); },
    onDidChange: (l) => { listeners.add(l); return { dispose: () => listeners.delete(l) }; },
  };
  const memento: MementoLike = { get: <T>(k: string) => state.get(k) as T | undefined, update: async (k, v) => { state.set(k, v); } };
  return { secrets, state, storage, memento, fire };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('host/secrets', () => {
  it('add: secret in SecretStorage, index (label + hint) in globalState, keys served from memory', async () => {
    const f = fakes();
    const s = new HostSecrets(f.storage, f.memento);
    const e = await s.add('openai', 'primary', '  sk-test-abcdef-1234  ');
    assert.match(e.keyId, /^k[0-9a-f]{10}$/);
    assert.deepEqual(e, { keyId: e.keyId, label: 'primary', hint: '…1234' });
    assert.equal(f.secrets.get(providerSecretName('openai', e.keyId)), 'sk-test-abcdef-1234');
    assert.equal(providerSecretName('openai', e.keyId), `switchboard/provider/openai/key/${e.keyId}`);
    assert.deepEqual(f.state.get(KEY_INDEX_STATE), { openai: [e] });
    assert.ok(!JSON.stringify([...f.state.values()]).includes('sk-test'), 'no secret in globalState');
    assert.deepEqual(s.keysFor('openai'), [{ label: 'primary', key: 'sk-test-abcdef-1234' }]);
    assert.deepEqual(s.list('openai'), [e]);
    assert.deepEqual(s.providerIds(), ['openai']);
    assert.equal(await s.matches('openai', e.keyId, 'sk-test-abcdef-1234'), true);
    assert.equal(await s.matches('openai', e.keyId, 'nope'), false);
  });

  it('rejects an empty key', async () => {
    const f = fakes();
    await assert.rejects(new HostSecrets(f.storage, f.memento).add('p', 'l', '   '), /empty/);
  });

  it('load() fills the cache from SecretStorage once, for a new window', async () => {
    const f = fakes();
    const first = new HostSecrets(f.storage, f.memento);
    const e = await first.add('gem', '', 'AIza-secret-value-9876');
    assert.equal(e.label, e.keyId, 'an empty label falls back to the key id');
    const second = new HostSecrets(f.storage, f.memento);
    assert.deepEqual(second.keysFor('gem'), [], 'nothing before load');
    await second.load();
    assert.deepEqual(second.keysFor('gem'), [{ label: e.keyId, key: 'AIza-secret-value-9876' }]);
  });

  it('follows SecretStorage changes made elsewhere (another window) and notifies', async () => {
    const f = fakes();
    const s = new HostSecrets(f.storage, f.memento);
    const e = await s.add('a', 'l', 'old-secret-value');
    let changes = 0;
    s.onDidChange(() => { changes++; });
    f.secrets.set(providerSecretName('a', e.keyId), 'new-secret-value');
    f.fire(providerSecretName('a', e.keyId));
    await tick();
    assert.deepEqual(s.keysFor('a'), [{ label: 'l', key: 'new-secret-value' }]);
    assert.equal(changes, 1);
    f.fire(providerSecretName('a', e.keyId)); // same value again: no notification
    await tick();
    assert.equal(changes, 1);
  });

  it('remove and removeProvider delete secrets and index entries', async () => {
    const f = fakes();
    const s = new HostSecrets(f.storage, f.memento);
    const a = await s.add('p', 'a', 'secret-aaaa-1111');
    const b = await s.add('p', 'b', 'secret-bbbb-2222');
    await s.add('q', 'c', 'secret-cccc-3333');
    assert.equal(await s.remove('p', a.keyId), true);
    assert.equal(await s.remove('p', a.keyId), false);
    assert.deepEqual(s.list('p'), [b]);
    assert.equal(f.secrets.has(providerSecretName('p', a.keyId)), false);
    await s.removeProvider('p');
    assert.deepEqual(s.list('p'), []);
    assert.deepEqual(Object.keys(f.state.get(KEY_INDEX_STATE) as object), ['q']);
    assert.deepEqual(s.knownSecrets(), ['secret-cccc-3333']);
  });

  it('gateway key plaintexts live under switchboard/gatewayKey/<id> and count as known secrets', async () => {
    const f = fakes();
    const s = new HostSecrets(f.storage, f.memento);
    await s.storeGatewayKey('gk1', 'sb-plaintext-value');
    assert.equal(f.secrets.get('switchboard/gatewayKey/gk1'), 'sb-plaintext-value');
    assert.equal(await s.gatewayKey('gk1'), 'sb-plaintext-value');
    assert.ok(s.knownSecrets().includes('sb-plaintext-value'));
    const other = new HostSecrets(f.storage, f.memento);
    assert.equal(await other.gatewayKey('gk1'), 'sb-plaintext-value', 'read through from storage');
    await s.deleteGatewayKey('gk1');
    assert.equal(await s.gatewayKey('gk1'), undefined);
  });

  it('ignores a corrupt index', () => {
    const f = fakes();
    f.state.set(KEY_INDEX_STATE, { p: [{ nope: 1 }, null], q: 'x' });
    assert.deepEqual(new HostSecrets(f.storage, f.memento).list('p'), []);
  });

  it('keyHint shows four characters only for long keys', () => {
    assert.equal(keyHint('sk-abcdefgh1234'), '…1234');
    assert.equal(keyHint('short'), '…');
  });
});
