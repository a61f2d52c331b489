/** `switchboard.*` settings: reading them for the config mapping, watching them, and writing provider entries. */
import * as vscode from 'vscode';
import type { ProviderSetting } from './config-mapping';

/** The configuration section; every setting is `switchboard.<name>`. */
export const SECTION = 'switchboard';

/** A getter over the current `switchboard.*` values (a fresh snapshot each call). */
export function settingsGetter(): (key: string) => unknown {
  const c = vscode.workspace.getConfiguration(SECTION);
  return (key) => c.get<unknown>(key);
}

/** Calls `listener` when any `switchboard.*` setting changes. */
export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(SECTION)) listener(); });
}

/** The user-level provider list (providers are application-scoped: only user settings count). */
export function userProviders(): unknown[] {
  const v = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>('providers')?.globalValue;
  return Array.isArray(v) ? [...v] : [];
}

/** Adds or updates one provider in user settings, keeping fields we do not edit. Never writes keys. */
export async function upsertProvider(p: ProviderSetting): Promise<void> {
  const list = userProviders();
  const i = list.findIndex((x) => typeof x === 'object' && x !== null && (x as { id?: unknown }).id === p.id);
  const merged: Record<string, unknown> = { ...(i >= 0 ? (list[i] as Record<string, unknown>) : {}), ...p };
  if (p.baseUrl === undefined) delete merged.baseUrl;
  if (i >= 0) list[i] = merged; else list.push(merged);
  await vscode.workspace.getConfiguration(SECTION).update('providers', list, vscode.ConfigurationTarget.Global);
}

/** Removes a provider from user settings. */
export async function removeProvider(id: string): Promise<boolean> {
  const list = userProviders();
  const rest = list.filter((x) => !(typeof x === 'object' && x !== null && (x as { id?: unknown }).id === id));
  if (rest.length === list.length) return false;
  await vscode.workspace.getConfiguration(SECTION).update('providers', rest, vscode.ConfigurationTarget.Global);
  return true;
}
