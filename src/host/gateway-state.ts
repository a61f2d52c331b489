/** The gateway's lifecycle state as the VS Code UI shows it. No `vscode` imports. */

/** Where the host's gateway is in its lifecycle. */
export type GatewayState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; port: number; baseUrl: string; inFlight: number }
  /** The port is taken by another Switchboard (another VS Code window or the CLI): clients work, through it. */
  | { kind: 'external'; port: number; baseUrl: string }
  | { kind: 'error'; message: string; code?: string };

/** Fills `{0}`, `{1}`… placeholders, the way `vscode.l10n.t` does. */
export type Translate = (message: string, ...args: Array<string | number>) => string;

/** The untranslated formatter (plain Node tests, and the CLI). */
export const formatOnly: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] === undefined ? m : String(args[Number(i)])));

/** What the status bar item shows for a state. */
export interface StatusView {
  text: string;
  /** Plain-text tooltip (one fact per line). */
  tooltip: string;
  /** `error` / `warning` paint the item with that background. */
  severity: 'normal' | 'warning' | 'error';
  /** Rich tooltip: the same facts plus command links (a trusted MarkdownString in the host). */
  markdown: string;
}

/** Facts beyond the lifecycle state that the status bar shows. */
export interface StatusExtras {
  /** Today's totals from the usage store. */
  today?: { requests: number; inputTokens: number; outputTokens: number };
  /** Enabled providers in the config (0 → nothing can be routed). */
  providers?: number;
  /** How upstream connections are made, e.g. "direct" or "http.proxy http://proxy:3128". */
  route?: string;
}

/** `12.3k`, `4.5M`: token counts that fit a status bar tooltip. */
export function compactNumber(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

const link = (label: string, command: string): string => `[${label}](command:${command})`;
const mdEscape = (s: string): string => s.replace(/[\\`*_{}[\]<>#|]/g, (c) => `\\${c}`);

/** Status bar text, tooltip and rich tooltip for a state. */
export function statusView(state: GatewayState, t: Translate = formatOnly, extras: StatusExtras = {}): StatusView {
  const v = baseView(state, t, extras);
  const lines = v.tooltip.split('\n').filter((l) => l !== t('Click for actions'));
  const actions = state.kind === 'error'
    ? [link(t('Show Logs'), 'switchboard.showLogs'), link(t('Open Settings'), 'switchboard.openSettings'), link(t('Retry'), 'switchboard.restart')]
    : state.kind === 'running' || state.kind === 'external'
      ? [link(t('Copy Codex Setup'), 'switchboard.copyCodexSetup'), link(t('Copy Claude Code Setup'), 'switchboard.copyClaudeCodeSetup'), link(t('Open Panel'), 'switchboard.openPanel')]
      : [link(t('Start Gateway'), 'switchboard.start'), link(t('Show Logs'), 'switchboard.showLogs')];
  if (extras.providers === 0 && state.kind === 'running') actions.unshift(link(t('Add Provider…'), 'switchboard.addProvider'));
  const markdown = [`**Switchboard**`, '', ...lines.map((l) => `- ${mdEscape(l)}`), '', actions.join(' · ')].join('\n');
  return { ...v, markdown };
}

function baseView(state: GatewayState, t: Translate, extras: StatusExtras): Omit<StatusView, 'markdown'> {
  switch (state.kind) {
    case 'running': {
      const lines = [t('Switchboard gateway running at {0}', state.baseUrl), t('{0} request(s) in flight', state.inFlight)];
      if (extras.today) {
        lines.push(t('Today: {0} request(s), {1} input / {2} output tokens', extras.today.requests, compactNumber(extras.today.inputTokens), compactNumber(extras.today.outputTokens)));
      }
      if (extras.route) lines.push(t('Upstream connections: {0}', extras.route));
      const noProvider = extras.providers === 0;
      if (noProvider) lines.push(t('No provider is configured: requests cannot be routed. Add one.'));
      lines.push(t('Click for actions'));
      return {
        text: `$(radio-tower) Switchboard :${state.port}${state.inFlight > 0 ? ` $(pulse) ${state.inFlight}` : ''}`,
        tooltip: lines.join('\n'),
        severity: noProvider ? 'warning' : 'normal',
      };
    }
    case 'external':
      return {
        text: `$(radio-tower) Switchboard :${state.port} $(link)`,
        tooltip: [
          t('Port {0} is served by another Switchboard (another window or the CLI); clients work through it.', state.port),
          t('This window takes over when that one stops.'),
          t('Click for actions'),
        ].join('\n'),
        severity: 'normal',
      };
    case 'starting':
      return { text: `$(sync~spin) ${t('Switchboard starting')}`, tooltip: t('Switchboard gateway is starting…'), severity: 'normal' };
    case 'error':
      return {
        text: `$(error) ${t('Switchboard error')}`,
        tooltip: [t('Switchboard gateway error: {0}', state.message), t('Click for actions')].join('\n'),
        severity: 'error',
      };
    case 'stopped':
      return {
        text: `$(circle-slash) ${t('Switchboard stopped')}`,
        tooltip: [t('Switchboard gateway stopped'), t('Click for actions')].join('\n'),
        severity: 'normal',
      };
  }
}

/** A user-facing sentence for a start failure; `EADDRINUSE` gets a hint on what to do. */
export function describeStartError(err: unknown, host: string, port: number, t: Translate = formatOnly): { message: string; code?: string } {
  const code = typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code : undefined;
  if (code === 'EADDRINUSE') {
    return { code, message: t('Port {0} on {1} is already in use. Change "switchboard.port" or stop the other program.', port, host) };
  }
  if (code === 'EACCES') return { code, message: t('Not allowed to listen on {0}:{1}.', host, port) };
  if (code === 'EADDRNOTAVAIL') return { code, message: t('Address {0} is not available on this machine.', host) };
  const message = err instanceof Error ? err.message : String(err);
  return { code, message };
}
