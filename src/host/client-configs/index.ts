/** Configure / Restore of agent config files (fs only, no `vscode`): plan, preview, apply with backup, restore. */
export { configPath, backupPath, type ConfigClient, type ConfigEnv } from './paths';
export { planCodex, planClaudeCode, planKilo, type ConfigPlan } from './plans';
export { applyPlan, restoreFile, hasBackup, readIfExists, type BackupManifest, type RestoreResult } from './store';
import type { SetupInput } from '../../shared/client-setups';
import { configPath, type ConfigClient, type ConfigEnv } from './paths';
import { planClaudeCode, planCodex, planKilo, type ConfigPlan } from './plans';
import { readIfExists } from './store';

/** Plans the edit of `client`'s config file at its usual location. */
export function planFor(client: ConfigClient, input: SetupInput, env: ConfigEnv = process.env): ConfigPlan {
  const file = configPath(client, env);
  const current = readIfExists(file);
  if (client === 'codex') return planCodex(file, current, input);
  if (client === 'claude-code') return planClaudeCode(file, current, input);
  return planKilo(file, current, input);
}
