import { until } from './listen.js';

/** One server-sent event: its `event:` name (or `comment` for a `:` line) and its data. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** A reading event-stream client, as EventSource would be, collecting every event it receives. */
export interface SseStream {
  readonly status: number;
  readonly headers: Headers;
  readonly events: SseEvent[];
  /** Whether the server ended the stream. */
  readonly ended: boolean;
  /** Waits for an event matching `match`, received after the `after`-th event (default: any). */
  next(
    match: (event: SseEvent) => boolean,
    what: string,
    after?: number,
    timeout?: number,
  ): Promise<SseEvent>;
  /** Parsed `data` of the events named `event`. */
  data<T>(event: string): T[];
  close(): void;
}

/** Opens `url` as an event stream (with fetch) and parses it as it arrives. */
export async function openStream(url: string): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal, headers: { accept: 'text/event-stream' } });
  const events: SseEvent[] = [];
  const state = { ended: false };
  if (response.body !== null) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            events.push(parse(buffer.slice(0, end)));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted by close(), or cut by the server
      }
      state.ended = true;
    })();
  }
  return {
    status: response.status,
    headers: response.headers,
    events,
    get ended() {
      return state.ended;
    },
    next(match, what, after = 0, timeout = 10_000) {
      return until(() => events.slice(after).find(match), what, timeout);
    },
    data<T>(event: string): T[] {
      return events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
    },
    close() {
      abort.abort();
    },
  };
}

function parse(block: string): SseEvent {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) return { event: 'comment', data: line.slice(1).trim() };
    if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
    else if (line.startsWith('retry: ')) event = 'retry';
  }
  return { event, data: data.join('\n') };
}
