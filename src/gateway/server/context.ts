/** What route handlers share: config, access policy, the pipeline's dependencies, accounting hooks. */
import type { GatewayConfig } from '../config';
import type { Clock, Logger } from '../ports';
import type { PipelineDeps } from '../pipeline/chat';
import type { UsageRecord } from '../policy/types';
import type { ProviderRuntime } from '../providers/runtime';
import type { AccessPolicy } from '../policy/access-policy';
import type { Inspector } from '../inspector/inspector';

/** The server's view of the gateway; getters because a reconfigure swaps what is behind them. */
export interface ServerContext {
  config(): GatewayConfig;
  access: AccessPolicy;
  pipeline(): PipelineDeps;
  providers(): ReadonlyMap<string, ProviderRuntime>;
  /** Exact aliases from the model mappings (listed in /v1/models). */
  aliases(): string[];
  /** Refreshes discovered model lists when stale. */
  refreshModels(): Promise<void>;
  clock: Clock;
  logger: Logger;
  keepAliveMs: number;
  version: string;
  trackInflight(delta: number): void;
  inspector: Inspector;
  record(r: UsageRecord): void;
}
