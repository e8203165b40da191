/**
 * Following a run live: `GET /v1/runs/:id/events` (the buyer's), read as
 * server-sent events (HTML Living Standard, "Server-sent events", section
 * 9.2.6 "Interpreting an event stream"). Each event's `data:` line is one run
 * event record; the stream ends after a final state. A dropped connection is
 * resumed with `Last-Event-ID`, so nothing is missed or repeated.
 */
import type { GatewayClient } from './gateway-client.js';

/** One event of a run, as the gateway stores it (docs/runs.md). */
export interface RunStreamEvent {
  readonly seq: number;
  /** `state`, `metric`, `log`, `flag`, or a kind added later. */
  readonly type: string;
  readonly at: string;
  readonly state?: string;
  readonly reason?: { readonly code: string; readonly message: string };
  readonly metric?: string;
  readonly step?: number;
  readonly value?: number;
  readonly text?: string;
}

/** The states a run never leaves (docs/runs.md). */
export const FINAL_RUN_STATES: readonly string[] = ['settled', 'failed', 'cancelled', 'flagged'];

export interface FollowOptions {
  /** Resume after this event (0: replay the whole history first); default: the current state, then live. */
  readonly after?: number;
  /** Stop following. */
  readonly signal?: AbortSignal;
  /** Reconnections allowed in a row without an event in between (default 5). */
  readonly retries?: number;
  /** false: only the events stored so far (the stream ends after them); default true. */
  readonly live?: boolean;
}

// The SSE field parser: complete events out of `buffer`, and what is left unparsed.
export function parseEventStream(buffer: string): { events: { id?: string; data: string }[]; rest: string } {
  const events: { id?: string; data: string }[] = [];
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ ...(id === undefined ? {} : { id }), data: data.join('\n') });
  }
  return { events, rest };
}

/**
 * The run's events as they happen, until a final state (or `signal`). Signed
 * by the client's key: only the run's buyer may follow it (RUN_NOT_FOUND).
 */
export async function* followRun(
  client: GatewayClient,
  runId: string,
  opts: FollowOptions = {},
): AsyncGenerator<RunStreamEvent> {
  let last = opts.after;
  let failures = 0;
  const live = opts.live ?? true;
  const path = `/v1/runs/${encodeURIComponent(runId)}/events${live ? '' : '?live=false'}`;
  for (;;) {
    const headers: Record<string, string> = last === undefined ? {} : { 'last-event-id': String(last) };
    const response = await client.send('GET', path, { signed: true, headers });
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    if (reader === undefined) return;
    const stop = () => void reader.cancel().catch(() => undefined);
    opts.signal?.addEventListener('abort', stop, { once: true });
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done || opts.signal?.aborted === true) break;
        const parsed = parseEventStream(buffer + value);
        buffer = parsed.rest;
        for (const raw of parsed.events) {
          const event = JSON.parse(raw.data) as RunStreamEvent;
          last = event.seq;
          failures = 0;
          yield event;
          if (event.type === 'state' && FINAL_RUN_STATES.includes(event.state ?? '')) return;
        }
      }
    } finally {
      opts.signal?.removeEventListener('abort', stop);
      stop();
    }
    if (opts.signal?.aborted === true || !live) return;
    // Ended without a final state (a proxy, a restart): resume after the last event seen.
    if (++failures > (opts.retries ?? 5)) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
