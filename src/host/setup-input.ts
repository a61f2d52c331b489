/** Collects what a client setup needs: a gateway key (quick pick) and a model (quick pick of what the gateway serves). */
import * as vscode from 'vscode';
import type { SetupInput } from '../shared/client-setups';

/** A model the gateway lists, with the limits it knows. */
export interface ListedModel { id: string; contextWindow?: number; maxOutputTokens?: number }

/** What the pickers need from the host. */
export interface SetupInputDeps {
  /** The URL clients should use. */
  baseUrl(): string;
  /** Active gateway key ids, the preferred one first. */
  gatewayKeyIds(): string[];
  /** The plaintext of a gateway key, if this machine holds it. */
  gatewayKey(id: string): Promise<string | undefined>;
}

/** Arguments that skip the pickers (tests, the panel, other extensions). */
export interface SetupArgs { key?: string; keyId?: string; model?: string; contextWindow?: number; maxOutputTokens?: number }

/** Narrows a command argument to SetupArgs-like fields. */
export function asSetupArgs(v: unknown): SetupArgs {
  if (typeof v !== 'object' || v === null) return {};
  const o = v as Record<string, unknown>;
  const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);
  const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isInteger(x) && x > 0 ? x : undefined);
  return { key: str(o.key), keyId: str(o.keyId), model: str(o.model), contextWindow: num(o.contextWindow), maxOutputTokens: num(o.maxOutputTokens) };
}

/** The gateway's own model list (`GET /v1/models` with the key); empty when it cannot be read. Loopback, 3 s cap. */
export async function listModels(baseUrl: string, key: string): Promise<ListedModel[]> {
  try {
    const res = await fetch(`${baseUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(3000) });
    if (!res.ok) return [];
    const body = (await res.json()) as { data?: Array<{ id?: unknown; context_window?: unknown; max_output_tokens?: unknown }> };
    return (body.data ?? []).filter((m) => typeof m.id === 'string').map((m) => ({
      id: m.id as string,
      contextWindow: typeof m.context_window === 'number' ? m.context_window : undefined,
      maxOutputTokens: typeof m.max_output_tokens === 'number' ? m.max_output_tokens : undefined,
    }));
  } catch {
    return [];
  }
}

async function pickKey(deps: SetupInputDeps, title: string): Promise<string | undefined> {
  const items: Array<vscode.QuickPickItem & { key: string }> = [];
  for (const id of deps.gatewayKeyIds()) {
    const key = await deps.gatewayKey(id);
    if (key) items.push({ label: `$(key) ${id}`, description: `…${key.slice(-4)}`, key });
  }
  if (items.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No gateway key is stored on this machine. Create one in the Switchboard panel.'));
    return undefined;
  }
  if (items.length === 1) return items[0]!.key;
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Which gateway key should the client use?'), ignoreFocusOut: true });
  return picked?.key;
}

async function pickModel(models: ListedModel[], title: string): Promise<ListedModel | undefined> {
  const typeOwn = vscode.l10n.t('Type a model name…');
  const items: Array<vscode.QuickPickItem & { model?: ListedModel }> = [
    ...models.map((m) => ({ label: m.id, description: m.contextWindow ? vscode.l10n.t('{0} tokens context', m.contextWindow) : undefined, model: m })),
    { label: `$(edit) ${typeOwn}` },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Which model should the client ask for?'), ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.model) return picked.model;
  const id = await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('A model name or mapping alias the gateway routes, e.g. "provider/model".'), ignoreFocusOut: true });
  return id && id.trim() !== '' ? { id: id.trim() } : undefined;
}

/** The setup input from arguments, else from quick picks; undefined when the user cancels. */
export async function collectSetupInput(deps: SetupInputDeps, args: SetupArgs, title: string): Promise<SetupInput | undefined> {
  const baseUrl = deps.baseUrl();
  const key = args.key ?? (args.keyId ? await deps.gatewayKey(args.keyId) : await pickKey(deps, title));
  if (!key) return undefined;
  const models = args.model && args.contextWindow ? [] : await listModels(baseUrl, key);
  const model = args.model ? { id: args.model, ...models.find((m) => m.id === args.model) } : await pickModel(models, title);
  if (!model) return undefined;
  return {
    baseUrl, key, model: model.id,
    contextWindow: args.contextWindow ?? model.contextWindow,
    maxOutputTokens: args.maxOutputTokens ?? model.maxOutputTokens,
  };
}
