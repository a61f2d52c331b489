/** "Switchboard: Add Provider": input boxes (or arguments) → a provider in user settings + its key in SecretStorage. */
import * as vscode from 'vscode';
import { providerSpecs } from '../gateway/providers';
import type { ProviderType } from '../gateway/providers/types';
import { PROVIDER_ID, SETTINGS_PROVIDER_TYPES } from './config-mapping';
import type { HostSecrets, KeyIndexEntry } from './secrets';
import { upsertProvider } from './settings';

/** Arguments for running the command without UI (tests, other commands, the panel). */
export interface AddProviderArgs {
  type: ProviderType;
  id: string;
  /** Empty or absent: the provider type's default. */
  baseUrl?: string;
  /** The upstream key; stored only in SecretStorage. */
  key?: string;
  label?: string;
}

/** What the command did (never the key). */
export interface AddProviderResult { providerId: string; key?: KeyIndexEntry }

/** Checks a base URL typed by the user; returns an error message or undefined. */
export function checkBaseUrl(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  try {
    const u = new URL(value.trim());
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return vscode.l10n.t('Use an http:// or https:// URL.');
    return undefined;
  } catch {
    return vscode.l10n.t('Not a valid URL.');
  }
}

function isArgs(v: unknown): v is AddProviderArgs {
  return typeof v === 'object' && v !== null && typeof (v as AddProviderArgs).id === 'string' && typeof (v as AddProviderArgs).type === 'string';
}

async function prompt(): Promise<AddProviderArgs | undefined> {
  const picked = await vscode.window.showQuickPick(
    SETTINGS_PROVIDER_TYPES.map((type) => ({ label: providerSpecs[type].label, description: type, detail: providerSpecs[type].defaultBaseUrl, type })),
    { title: vscode.l10n.t('Add Provider (1/4): type'), placeHolder: vscode.l10n.t('Which kind of upstream?'), ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  const id = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Provider (2/4): id'),
    prompt: vscode.l10n.t('A short name used in model mappings, e.g. "openai" or "my-proxy".'),
    value: picked.type, ignoreFocusOut: true,
    validateInput: (v) => (PROVIDER_ID.test(v.trim()) ? undefined : vscode.l10n.t('Lowercase letters, digits, ".", "_" and "-" only.')),
  });
  if (id === undefined) return undefined;
  const spec = providerSpecs[picked.type];
  const baseUrl = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Provider (3/4): base URL'),
    prompt: vscode.l10n.t('Leave as is for the default ({0}).', spec.defaultBaseUrl),
    value: spec.defaultBaseUrl, ignoreFocusOut: true, validateInput: checkBaseUrl,
  });
  if (baseUrl === undefined) return undefined;
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Provider (4/4): API key'),
    prompt: vscode.l10n.t('Stored in the OS keychain (SecretStorage), never in settings. Leave empty for none.'),
    password: true, ignoreFocusOut: true,
  });
  if (key === undefined) return undefined;
  return { type: picked.type, id: id.trim(), baseUrl: baseUrl.trim() === spec.defaultBaseUrl ? undefined : baseUrl.trim(), key };
}

/** Runs the add-provider flow; with `args` no UI is shown. */
export async function addProvider(secrets: HostSecrets, args?: unknown): Promise<AddProviderResult | undefined> {
  const input = isArgs(args) ? args : await prompt();
  if (!input) return undefined;
  if (!PROVIDER_ID.test(input.id)) throw new Error(vscode.l10n.t('Invalid provider id "{0}".', input.id));
  if (!(SETTINGS_PROVIDER_TYPES as readonly string[]).includes(input.type)) throw new Error(vscode.l10n.t('Unknown provider type "{0}".', input.type));
  const urlError = input.baseUrl ? checkBaseUrl(input.baseUrl) : undefined;
  if (urlError) throw new Error(urlError);
  // Store the key before the provider appears in settings, so the settings-change reconfigure already has it.
  const key = input.key && input.key.trim() !== '' ? await secrets.add(input.id, input.label ?? `key-${secrets.list(input.id).length + 1}`, input.key) : undefined;
  await upsertProvider({ id: input.id, type: input.type, baseUrl: input.baseUrl || undefined });
  return { providerId: input.id, key };
}
