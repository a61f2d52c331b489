/** Copy … Setup, Configure …, and Restore Client Configs: the commands that connect agents to the gateway. */
import * as vscode from 'vscode';
import { claudeCodeSetup, codexSetup, kiloSetup, type ClientId, type SetupInput } from '../shared/client-setups';
import { applyPlan, configPath, hasBackup, planFor, restoreFile, type ConfigClient, type ConfigPlan, type RestoreResult } from './client-configs';
import { asSetupArgs, collectSetupInput, type SetupInputDeps } from './setup-input';

const CLIENTS: Record<ClientId, { title: string; language: string }> = {
  codex: { title: 'Codex CLI', language: 'toml' },
  'claude-code': { title: 'Claude Code', language: 'shellscript' },
  'kilo-code': { title: 'Kilo Code', language: 'jsonc' },
};

const PREVIEW_SCHEME = 'switchboard-preview';

/** In-memory documents for previews (what was copied; before/after of a config file). Nothing touches disk. */
class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private seq = 0;
  provideTextDocumentContent(uri: vscode.Uri): string { return this.docs.get(uri.path) ?? ''; }
  /** Registers `text` and returns its URI (the name shows as the editor title). */
  put(name: string, text: string): vscode.Uri {
    const path = `/${++this.seq}/${name}`;
    this.docs.set(path, text);
    // Keep only recent previews: they may hold a key.
    if (this.docs.size > 20) this.docs.delete(this.docs.keys().next().value as string);
    return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path });
  }
}

function setupText(client: ClientId, input: SetupInput): string {
  if (client === 'codex') return codexSetup(input).text;
  if (client === 'claude-code') return claudeCodeSetup(input).text;
  return kiloSetup(input).text;
}

async function copySetup(client: ClientId, deps: SetupInputDeps, previews: PreviewDocuments, rawArgs: unknown): Promise<string | undefined> {
  const { title } = CLIENTS[client];
  const input = await collectSetupInput(deps, asSetupArgs(rawArgs), vscode.l10n.t('Copy {0} Setup', title));
  if (!input) return undefined;
  const text = setupText(client, input);
  await vscode.env.clipboard.writeText(text);
  // Show exactly what is on the clipboard, read-only, without taking focus.
  const doc = await vscode.workspace.openTextDocument(previews.put(`${client}-setup`, text));
  await vscode.languages.setTextDocumentLanguage(doc, CLIENTS[client].language).then(undefined, () => undefined);
  await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} setup copied to the clipboard (shown in the editor).', title));
  return text;
}

/** Shows the change as a diff editor and asks before writing; `confirm: true` in the arguments skips the question. */
async function previewAndConfirm(plan: ConfigPlan, previews: PreviewDocuments, assumeYes: boolean): Promise<boolean> {
  const name = plan.file.split(/[\\/]/).pop() ?? 'config';
  const left = previews.put(`${name}`, plan.before);
  const right = previews.put(`${name}`, plan.after);
  await vscode.commands.executeCommand('vscode.diff', left, right, vscode.l10n.t('{0} (current ↔ after Switchboard)', plan.file), { preview: true });
  if (assumeYes) return true;
  const write = vscode.l10n.t('Write');
  const detail = [vscode.l10n.t('A backup is kept next to it; "Switchboard: Restore Client Configs" puts it back.'), ...plan.notes].join('\n');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Update {0}?', plan.file), { modal: true, detail }, write);
  return choice === write;
}

async function configure(client: ConfigClient, deps: SetupInputDeps, previews: PreviewDocuments, rawArgs: unknown): Promise<{ file: string; written: boolean } | undefined> {
  const { title } = CLIENTS[client];
  const input = await collectSetupInput(deps, asSetupArgs(rawArgs), vscode.l10n.t('Configure {0}', title));
  if (!input) return undefined;
  let plan: ConfigPlan;
  try {
    plan = planFor(client, input);
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot configure {0}: {1}', title, err instanceof Error ? err.message : String(err)));
    return { file: configPath(client), written: false };
  }
  const assumeYes = typeof rawArgs === 'object' && rawArgs !== null && (rawArgs as { confirm?: unknown }).confirm === true;
  if (!(await previewAndConfirm(plan, previews, assumeYes))) return { file: plan.file, written: false };
  try {
    applyPlan(plan);
  } catch (err) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Cannot configure {0}: {1}', title, err instanceof Error ? err.message : String(err)));
    return { file: plan.file, written: false };
  }
  const copyExport = vscode.l10n.t('Copy export line');
  const buttons = client === 'codex' ? [copyExport] : [];
  void vscode.window.showInformationMessage([vscode.l10n.t('{0} is configured ({1}).', title, plan.file), ...plan.notes].join(' '), ...buttons).then((c) => {
    if (c === copyExport) void vscode.env.clipboard.writeText(codexSetup(input).exportLine);
  });
  return { file: plan.file, written: true };
}

async function restore(rawArgs: unknown): Promise<RestoreResult[]> {
  const withBackup = (Object.keys(CLIENTS) as ConfigClient[]).map((c) => ({ client: c, file: configPath(c) })).filter((x) => hasBackup(x.file));
  if (withBackup.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No client config written by Switchboard needs restoring.'));
    return [];
  }
  const all = typeof rawArgs === 'object' && rawArgs !== null && (rawArgs as { all?: unknown }).all === true;
  const chosen = all ? withBackup : (await vscode.window.showQuickPick(
    withBackup.map((x) => ({ label: CLIENTS[x.client].title, description: x.file, picked: true, x })),
    { canPickMany: true, title: vscode.l10n.t('Restore Client Configs'), placeHolder: vscode.l10n.t('Put these files back as they were before Switchboard changed them') },
  ))?.map((p) => p.x);
  const results: RestoreResult[] = [];
  for (const x of chosen ?? []) {
    try {
      const r = restoreFile(x.file);
      if (r) results.push(r);
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot restore {0}: {1}', x.file, err instanceof Error ? err.message : String(err)));
    }
  }
  if (results.length > 0) void vscode.window.showInformationMessage(vscode.l10n.t('Restored: {0}', results.map((r) => r.file).join(', ')));
  return results;
}

/** Registers the client setup commands. */
export function registerClientCommands(deps: SetupInputDeps): vscode.Disposable[] {
  const previews = new PreviewDocuments();
  const copy = (c: ClientId) => (args?: unknown) => copySetup(c, deps, previews, args);
  const conf = (c: ConfigClient) => (args?: unknown) => configure(c, deps, previews, args);
  const table: Record<string, (args?: unknown) => unknown> = {
    'switchboard.copyCodexSetup': copy('codex'),
    'switchboard.copyClaudeCodeSetup': copy('claude-code'),
    'switchboard.copyKiloCodeSetup': copy('kilo-code'),
    'switchboard.configureCodex': conf('codex'),
    'switchboard.configureClaudeCode': conf('claude-code'),
    'switchboard.configureKiloCode': conf('kilo-code'),
    'switchboard.restoreClientConfigs': (args) => restore(args),
  };
  return [
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    ...Object.entries(table).map(([id, run]) => vscode.commands.registerCommand(id, run)),
  ];
}
