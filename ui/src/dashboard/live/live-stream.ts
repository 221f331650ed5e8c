/**
 * The dashboard's one push channel: an EventSource on /$wsid/live. The
 * browser reconnects by itself while the server is restarting (the server
 * sends `retry: 1000`); if it gives up (an HTTP error answer closes the
 * source for good) we open a new one after a pause. Every (re)connection
 * starts with a `snapshot`, the cue to re-fetch everything that is not pushed.
 * An `access-ended` event (a logout elsewhere, a revoked share or a reset
 * password) ends it for good: reconnecting would only be refused.
 */
import type { EventsFrame, SnapshotFrame } from '../types';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'ended';

export interface LiveStreamHandlers {
  snapshot(frame: SnapshotFrame): void;
  events(frame: EventsFrame): void;
  state(state: ConnectionState): void;
  /** the server ended the stream because the viewer may no longer see the service */
  accessEnded(): void;
}

const REOPEN_MS = 5_000;

export function openLiveStream(wsid: number, handlers: LiveStreamHandlers): () => void {
  let source: EventSource | null = null;
  let reopen: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const open = () => {
    const s = new EventSource(`/${wsid}/live`);
    source = s;
    s.addEventListener('snapshot', (message) => {
      const frame = parse<SnapshotFrame>(message);
      if (frame === null) return;
      handlers.state('live');
      handlers.snapshot(frame);
    });
    s.addEventListener('events', (message) => {
      const frame = parse<EventsFrame>(message);
      if (frame !== null) handlers.events(frame);
    });
    s.addEventListener('access-ended', () => {
      stopped = true;
      s.close();
      handlers.state('ended');
      handlers.accessEnded();
    });
    s.addEventListener('error', () => {
      if (stopped) return;
      handlers.state('reconnecting');
      if (s.readyState === EventSource.CLOSED && !stopped) {
        s.close();
        reopen = setTimeout(open, REOPEN_MS);
      }
    });
  };

  handlers.state('connecting');
  open();
  return () => {
    stopped = true;
    if (reopen !== null) clearTimeout(reopen);
    source?.close();
  };
}

function parse<T>(message: Event): T | null {
  try {
    return JSON.parse((message as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}
