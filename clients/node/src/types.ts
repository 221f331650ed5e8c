/** The shapes a caller of @tmon/client deals with. */

/**
 * One request your service served (tmon's docs/protocol.md). `url`, `ip` and
 * `useragent` are required; any field not listed is kept by tmon as an extra
 * property (at most 4 KB of JSON, nesting depth ≤ 3).
 */
export interface TmonEvent {
  url: string;
  /** the client's address, IPv4 or IPv6 text */
  ip: string;
  useragent: string;
  username?: string | null;
  /** ms since epoch; the client fills in the time of track() when absent */
  ts?: number;
  method?: string | null;
  /** 100–599 */
  status?: number | null;
  duration_ms?: number | null;
  referrer?: string | null;
  /** idempotency key (≤ 64 chars): the client fills in a UUIDv7 (time first, then random) when absent */
  id?: string;
  [extra: string]: unknown;
}

/** Which wire format to speak (tmon's docs/protocol.md): v2 batches; the original's two send one event per request. */
export type TmonProtocol = 'v2' | 'gen1' | 'gen2';

export interface TmonClientOptions {
  /** tmon's base URL (`https://tmon.example.com`) or the full collect URL (`…/data/collect`) */
  server: string;
  /** the service id */
  wsid: number;
  /** the service secret (32 ASCII characters) */
  secret: string;
  /** default `v2` */
  protocol?: TmonProtocol;
  /** send as soon as this many events are queued; v2 batches hold at most this many (1–1000, default 100) */
  batchSize?: number;
  /** send what is queued at most this long after the first event arrived (default 1000 ms) */
  flushIntervalMs?: number;
  /** events kept while tmon is slow or down; beyond it the oldest are dropped (default 10,000) */
  maxQueue?: number;
  /** requests in flight at once (default 2; legacy protocols send one event per request) */
  concurrency?: number;
  /** retries of one request before its events are given up (default 10; ~3 minutes of backoff) */
  maxRetries?: number;
  /** first backoff delay (default 500 ms), doubled per retry, with jitter */
  retryBaseMs?: number;
  /** longest backoff delay, also the cap on a server's Retry-After (default 30,000 ms) */
  retryMaxMs?: number;
  /** one request's time limit (default 10,000 ms) */
  timeoutMs?: number;
  /** how long close() (and exit handling) keeps trying to send what is queued (default 5,000 ms) */
  closeTimeoutMs?: number;
  /** flush on `beforeExit`, SIGTERM and SIGINT (default true); see the README */
  exitHooks?: boolean;
  /** events that could not be delivered, refused requests, dropped events; default: console.warn */
  onError?: (error: TmonError) => void;
  /** the fetch to use (a proxy-aware one, say); default the global fetch */
  fetch?: typeof fetch;
}

export interface TmonStats {
  /** waiting to be sent */
  queued: number;
  /** in requests that have not been answered yet */
  inFlight: number;
  /** acknowledged by tmon (stored, or recognised as already stored by their id) */
  sent: number;
  /** re-sent after a network error, a timeout, 429 or 5xx (counted once per retry) */
  retried: number;
  /** dropped before sending: the oldest when the queue was full, invalid events, events queued after close() */
  dropped: number;
  /** sent but refused by tmon (4xx) or given up after maxRetries */
  failed: number;
}

/** What tmon answered to one request. */
export interface CollectAnswer {
  /** the HTTP status */
  status: number;
  /** the JSON body: `{"status":200,"status_code":200,"accepted":N}` or `{…,"error":code,"message":why}` */
  body: Record<string, unknown>;
}

export type TmonErrorKind =
  /** tmon refused the request (4xx other than 429): retrying would not help */
  | 'refused'
  /** network errors, timeouts, 429 or 5xx until maxRetries, or until close() ran out of time */
  | 'gave_up'
  /** the queue was full: the oldest events are being dropped */
  | 'queue_full'
  /** track() got something tmon would refuse: it was dropped so it cannot sink a whole batch */
  | 'invalid_event';

export class TmonError extends Error {
  constructor(
    readonly kind: TmonErrorKind,
    message: string,
    /** how many events this is about */
    readonly events: number,
    /** the answer, for `refused` and for `gave_up` after an HTTP error */
    readonly answer: CollectAnswer | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TmonError';
  }
}
