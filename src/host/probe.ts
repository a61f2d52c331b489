/** Identity check of whatever listens on the gateway port: is it a Switchboard? Loopback only, time-capped. */

/** Whether another Switchboard answers at `baseUrl` (its `/healthz` says `service: 'switchboard'`). */
export async function probeSwitchboard(baseUrl: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return false;
    const body: unknown = await res.json();
    return typeof body === 'object' && body !== null && (body as { service?: unknown }).service === 'switchboard';
  } catch {
    return false;
  }
}
