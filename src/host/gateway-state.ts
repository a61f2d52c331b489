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
  tooltip: string;
  /** `error` paints the item with the error background. */
  severity: 'normal' | 'error';
}

/** Status bar text and tooltip for a state. */
export function statusView(state: GatewayState, t: Translate = formatOnly): StatusView {
  switch (state.kind) {
    case 'running':
      return {
        text: `$(radio-tower) Switchboard :${state.port}`,
        tooltip: [
          t('Switchboard gateway running at {0}', state.baseUrl),
          t('{0} request(s) in flight', state.inFlight),
          t('Click for actions'),
        ].join('\n'),
        severity: 'normal',
      };
    case 'external':
      return {
        text: `$(radio-tower) Switchboard :${state.port} $(link)`,
        tooltip: [
          t('Port {0} is served by another Switchboard (another window or the CLI); clients work through it.', state.port),
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
