/** A decoded server-sent event. `event` is absent for unnamed events. */
export interface SseEvent { event?: string; data: string; id?: string }

/** A frame to send: an event, or a comment line (keep-alive). */
export type SseFrame = { event?: string; data: string } | { comment: string };
