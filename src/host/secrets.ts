/**
 * Upstream provider keys and gateway keys in VS Code SecretStorage, cached in memory so no request waits on the
 * keychain. The index of key ids (label + hint, never the secret) lives in globalState so UIs can list keys
 * without reading secrets. Structural types only: plain-Node tests pass fakes.
 */
import { randomBytes } from 'node:crypto';

/** The part of `vscode.SecretStorage` we use. */
export interface SecretStorageLike {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
  onDidChange(listener: (e: { key: string }) => unknown): { dispose(): unknown };
}

/** The part of `vscode.Memento` we use. */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** What may be shown of an upstream key. */
export interface KeyIndexEntry {
  keyId: string;
  label: string;
  /** `…` + the last four characters. */
  hint: string;
}

/** globalState key of the upstream key index: `{ [providerId]: KeyIndexEntry[] }`. */
export const KEY_INDEX_STATE = 'switchboard.keyIndex';
const PROVIDER_PREFIX = 'switchboard/provider/';
const GATEWAY_PREFIX = 'switchboard/gatewayKey/';

/** SecretStorage name of one upstream key. */
export function providerSecretName(providerId: string, keyId: string): string {
  return `${PROVIDER_PREFIX}${providerId}/key/${keyId}`;
}

/** SecretStorage name of a gateway key's plaintext. */
export function gatewaySecretName(id: string): string {
  return `${GATEWAY_PREFIX}${id}`;
}

/** `…a1b2`: enough to tell keys apart, too little to use. */
export function keyHint(secret: string): string {
  return secret.length >= 12 ? `…${secret.slice(-4)}` : '…';
}

function parseProviderName(name: string): { providerId: string; keyId: string } | undefined {
  if (!name.startsWith(PROVIDER_PREFIX)) return undefined;
  const m = /^([^/]+)\/key\/([^/]+)$/.exec(name.slice(PROVIDER_PREFIX.length));
  return m ? { providerId: m[1]!, keyId: m[2]! } : undefined;
}

type Listener = () => void;

/** Upstream and gateway keys: SecretStorage is the truth, this is its in-memory mirror. */
export class HostSecrets {
  /** `${providerId}\0${keyId}` → secret. */
  private readonly cache = new Map<string, string>();
  private readonly gatewayCache = new Map<string, string>();
  private readonly listeners = new Set<Listener>();
  private readonly subscription: { dispose(): unknown };

  constructor(private readonly storage: SecretStorageLike, private readonly memento: MementoLike) {
    this.subscription = storage.onDidChange((e) => { void this.refresh(e.key); });
  }

  /** Reads every indexed secret once (call before the first start). */
  async load(): Promise<void> {
    const index = this.index();
    await Promise.all(Object.entries(index).flatMap(([providerId, entries]) => entries.map(async (e) => {
      const v = await this.storage.get(providerSecretName(providerId, e.keyId));
      if (v !== undefined) this.cache.set(`${providerId}\0${e.keyId}`, v);
    })));
  }

  /** Fires after a provider key was added, removed or changed (here or in another window). */
  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  }

  /** The key index of one provider, or of all. */
  list(providerId: string): KeyIndexEntry[] { return [...(this.index()[providerId] ?? [])]; }

  /** Provider ids that have at least one indexed key. */
  providerIds(): string[] { return Object.keys(this.index()).filter((id) => (this.index()[id] ?? []).length > 0); }

  /** Keys for the gateway config, from memory; labels name them in logs. */
  keysFor(providerId: string): Array<{ label: string; key: string }> {
    const out: Array<{ label: string; key: string }> = [];
    for (const e of this.index()[providerId] ?? []) {
      const key = this.cache.get(`${providerId}\0${e.keyId}`);
      if (key !== undefined) out.push({ label: e.label, key });
    }
    return out;
  }

  /** Stores a new upstream key and indexes it. */
  async add(providerId: string, label: string, secret: string): Promise<KeyIndexEntry> {
    const trimmed = secret.trim();
    if (trimmed === '') throw new Error('The key is empty.');
    const keyId = `k${randomBytes(5).toString('hex')}`;
    const entry: KeyIndexEntry = { keyId, label: label.trim() || keyId, hint: keyHint(trimmed) };
    // Cache first: the storage change event may fire before `store` resolves, and must find the index entry.
    this.cache.set(`${providerId}\0${keyId}`, trimmed);
    const index = this.index();
    await this.memento.update(KEY_INDEX_STATE, { ...index, [providerId]: [...(index[providerId] ?? []), entry] });
    await this.storage.store(providerSecretName(providerId, keyId), trimmed);
    this.fire();
    return entry;
  }

  /** Deletes one upstream key. */
  async remove(providerId: string, keyId: string): Promise<boolean> {
    const index = this.index();
    const entries = index[providerId] ?? [];
    if (!entries.some((e) => e.keyId === keyId)) return false;
    this.cache.delete(`${providerId}\0${keyId}`);
    const rest = entries.filter((e) => e.keyId !== keyId);
    const next = { ...index };
    if (rest.length > 0) next[providerId] = rest; else delete next[providerId];
    await this.memento.update(KEY_INDEX_STATE, next);
    await this.storage.delete(providerSecretName(providerId, keyId));
    this.fire();
    return true;
  }

  /** Deletes every key of a provider (when the provider is deleted). */
  async removeProvider(providerId: string): Promise<void> {
    for (const e of this.list(providerId)) await this.remove(providerId, e.keyId);
  }

  /** Whether SecretStorage itself (not the cache) holds exactly `candidate` for this key. For tests; reveals nothing. */
  async matches(providerId: string, keyId: string, candidate: string): Promise<boolean> {
    return (await this.storage.get(providerSecretName(providerId, keyId))) === candidate;
  }

  /** Remembers a gateway key's plaintext (it exists nowhere else once created). */
  async storeGatewayKey(id: string, plaintext: string): Promise<void> {
    this.gatewayCache.set(id, plaintext);
    await this.storage.store(gatewaySecretName(id), plaintext);
  }

  /** A gateway key's plaintext, if this machine still holds it. */
  async gatewayKey(id: string): Promise<string | undefined> {
    const cached = this.gatewayCache.get(id);
    if (cached !== undefined) return cached;
    const v = await this.storage.get(gatewaySecretName(id));
    if (v !== undefined) this.gatewayCache.set(id, v);
    return v;
  }

  /** Forgets a gateway key's plaintext. */
  async deleteGatewayKey(id: string): Promise<void> {
    this.gatewayCache.delete(id);
    await this.storage.delete(gatewaySecretName(id));
  }

  /** Every secret currently in memory, for log redaction. */
  knownSecrets(): string[] { return [...this.cache.values(), ...this.gatewayCache.values()]; }

  /** Stops listening to SecretStorage. */
  dispose(): void {
    this.subscription.dispose();
    this.listeners.clear();
  }

  private index(): Record<string, KeyIndexEntry[]> {
    const raw = this.memento.get<unknown>(KEY_INDEX_STATE);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
    const out: Record<string, KeyIndexEntry[]> = {};
    for (const [id, list] of Object.entries(raw)) {
      if (Array.isArray(list)) {
        out[id] = list.filter((e): e is KeyIndexEntry => typeof e === 'object' && e !== null && typeof (e as KeyIndexEntry).keyId === 'string');
      }
    }
    return out;
  }

  private async refresh(name: string): Promise<void> {
    const p = parseProviderName(name);
    if (p) {
      const v = await this.storage.get(name);
      const slot = `${p.providerId}\0${p.keyId}`;
      if (this.cache.get(slot) === v) return;
      if (v === undefined) this.cache.delete(slot); else this.cache.set(slot, v);
      this.fire();
    } else if (name.startsWith(GATEWAY_PREFIX)) {
      const id = name.slice(GATEWAY_PREFIX.length);
      const v = await this.storage.get(name);
      if (v === undefined) this.gatewayCache.delete(id); else this.gatewayCache.set(id, v);
    }
  }

  private fire(): void {
    for (const l of [...this.listeners]) l();
  }
}
