/**
 * Sends one batch of log events to `POST /data/collect` with the ingest token
 * as a bearer, gzipped unless tmon is on this host, and sees it through: network errors, timeouts, 408,
 * 429 and 5xx are retried with backoff (a Retry-After wins); an event the
 * server refuses (the batch is refused whole, naming the event's index) is
 * taken out and the rest sent again; any other 4xx (a wrong token first of
 * all) ends the batch with a BatchNotSent that says why, because the same
 * request would be refused again.
 */
import { setTimeout } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { collectUrl, parseRetryAfter } from '@tmon/client';
import { cannotReachMessage, networkFailureReason } from '../network-failure.js';

const gzipAsync = promisify(gzip);

/** Where a line came from, for the summary: its source's name and its line number (from 1). */
export interface LineRef {
  readonly source: string;
  readonly line: number;
}

/** One event ready to send: its JSON text and the line it was read from. */
export interface OutgoingEvent {
  readonly json: string;
  readonly line: LineRef;
}

/**
 * The events of one request, however the caller keeps them: the body to
 * send, and what is needed to take out an event tmon refuses.
 */
export interface EventBatch {
  readonly size: number;
  /** `{"events":[…]}` */
  body(): string | Uint8Array<ArrayBuffer>;
  lineOf(index: number): LineRef;
  /** the same events but the one at index */
  without(index: number): EventBatch;
}

/** A batch kept as one object per event (the follow spool's). */
export function eventList(events: readonly OutgoingEvent[]): EventBatch {
  return {
    size: events.length,
    body: () => `{"events":[${events.map((event) => event.json).join(',')}]}`,
    lineOf: (index) => (events[index] as OutgoingEvent).line,
    without: (index) => eventList(events.filter((_, i) => i !== index)),
  };
}

/** An event tmon refused on its own (a `ts` beyond its retention, extra fields too large…). */
export interface EventRefusal {
  readonly line: LineRef;
  /** the server's message about the event, without the "event N: " that named it */
  readonly message: string;
}

export interface BatchResult {
  /** what tmon answered `accepted`: stored, or already stored under the same id */
  accepted: number;
  refused: EventRefusal[];
}

export interface BatchSenderOptions {
  /** tmon's address; /data/collect is added */
  server: string;
  token: string;
  /** after this long without an answer that ends the batch, it is given up (Infinity: never) */
  giveUpAfterMs: number;
  /** one try's limit: the answer comes after the commit, which a busy server may take seconds to reach */
  tryTimeoutMs?: number;
  /** told before each wait, to show why the import stalls */
  onRetry?: (reason: string, waitMs: number) => void;
  fetch?: typeof fetch;
  random?: () => number;
  /** ends the batch at once, with the signal's reason (another batch has failed: no point going on) */
  signal?: AbortSignal;
}

/** The batch could not be sent: tmon refused the request as a whole, or could not be reached in time. */
export class BatchNotSent extends Error {
  override name = 'BatchNotSent';
  constructor(
    message: string,
    readonly kind: 'refused' | 'unreachable',
  ) {
    super(message);
  }
}

const DEFAULT_TRY_TIMEOUT_MS = 60_000;
/** backoff 0.5 s, 1 s, 2 s … up to 30 s, each with up to half of it random (docs/protocol.md asks senders for this) */
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** a Retry-After beyond this is read as this: a misconfigured proxy must not park an import for hours */
const MAX_RETRY_AFTER_MS = 5 * 60_000;
/** level 1: log JSON shrinks several times already, for a fraction of the default level's CPU */
const GZIP_LEVEL = 1;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfterMs: number | null;
}

export async function sendBatch(
  events: EventBatch | readonly OutgoingEvent[],
  options: BatchSenderOptions,
): Promise<BatchResult> {
  const url = collectUrl(options.server);
  const result: BatchResult = { accepted: 0, refused: [] };
  let remaining = isEventList(events) ? eventList(events) : events;
  let failingSince: number | null = null;
  let tries = 0;
  let failures = 0;
  const compress = !isLoopback(new URL(url));
  while (remaining.size > 0) {
    const json = remaining.body();
    const body: Uint8Array<ArrayBuffer> | string = compress ? await gzipAsync(json, { level: GZIP_LEVEL }) : json;
    tries += 1;
    let answer: Answer;
    try {
      answer = await post(url, body, compress, options);
    } catch (error) {
      options.signal?.throwIfAborted();
      failingSince ??= performance.now();
      const reason = networkFailureReason(error);
      await waitBeforeRetry(
        options,
        failingSince,
        failures++,
        null,
        `cannot reach ${options.server}: ${reason}`,
        (elapsedMs) => cannotReachMessage(options.server, reason, tries, elapsedMs),
      );
      continue;
    }
    if (answer.status === 200) {
      result.accepted += typeof answer.body.accepted === 'number' ? answer.body.accepted : remaining.size;
      return result;
    }
    const refusal = answer.status === 400 ? refusedEventIndex(answer.body, remaining.size) : null;
    if (refusal !== null) {
      result.refused.push({ line: remaining.lineOf(refusal.index), message: refusal.message });
      remaining = remaining.without(refusal.index);
      continue;
    }
    const said = `${answer.status} ${String(answer.body.error)}: ${String(answer.body.message)}`;
    if (!isRetryable(answer.status)) {
      const what = answer.status === 401 || answer.status === 403 ? 'the token' : 'the batch';
      throw new BatchNotSent(`tmon refused ${what} (${said})`, 'refused');
    }
    failingSince ??= performance.now();
    await waitBeforeRetry(
      options,
      failingSince,
      failures++,
      answer.retryAfterMs,
      `tmon answered ${said}`,
      () => `tmon kept answering ${said} (${tries} tries)`,
    );
  }
  return result;
}

function isEventList(events: EventBatch | readonly OutgoingEvent[]): events is readonly OutgoingEvent[] {
  return Array.isArray(events);
}

/**
 * Whether tmon is on this host: there compression only costs CPU on both
 * sides (a tenth of the importer's, at level 1) and saves no wire.
 */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function post(
  url: string,
  body: Uint8Array<ArrayBuffer> | string,
  compressed: boolean,
  options: BatchSenderOptions,
): Promise<Answer> {
  const response = await (options.fetch ?? fetch)(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.token}`,
      'content-type': 'application/json',
      ...(compressed ? { 'content-encoding': 'gzip' } : {}),
      accept: 'application/json',
      // the answer is a few dozen bytes: fetch would ask for it gzipped and pay a zlib stream to unpack each one
      'accept-encoding': 'identity',
    },
    body,
    signal: tryLimit(options),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: answerBody(text, response.status),
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
  };
}

function tryLimit(options: BatchSenderOptions): AbortSignal {
  const timeout = AbortSignal.timeout(options.tryTimeoutMs ?? DEFAULT_TRY_TIMEOUT_MS);
  return options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
}

/** A proxy in front of tmon may answer HTML or nothing: its first words still say what happened. */
function answerBody(text: string, status: number): Record<string, unknown> {
  if (text.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return parsed as Record<string, unknown>;
      }
    } catch (error) {
      return { error: 'not_tmon', message: `unreadable JSON (${(error as Error).message})` };
    }
  }
  return { status, error: 'not_tmon', message: text.slice(0, 200).trim() || '(no body)' };
}

/** tmon names the one event that made it refuse a batch: "event 3: ts is more than … in the past". */
function refusedEventIndex(body: Record<string, unknown>, count: number): { index: number; message: string } | null {
  const match = typeof body.message === 'string' ? /^event (\d+): (.*)$/s.exec(body.message) : null;
  if (match === null) return null;
  const index = Number(match[1]);
  return index < count ? { index, message: match[2] as string } : null;
}

function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

async function waitBeforeRetry(
  options: BatchSenderOptions,
  failingSince: number,
  failures: number,
  retryAfterMs: number | null,
  reason: string,
  giveUpMessage: (elapsedMs: number) => string,
): Promise<void> {
  const random = options.random ?? Math.random;
  const waitMs =
    retryAfterMs === null
      ? backoffMs(failures, random)
      : // never earlier than asked; up to a tenth later, so importers that met the same busy server spread out
        Math.min(MAX_RETRY_AFTER_MS, retryAfterMs) * (1 + random() * 0.1);
  const elapsedMs = performance.now() - failingSince;
  if (elapsedMs + waitMs > options.giveUpAfterMs) throw new BatchNotSent(giveUpMessage(elapsedMs), 'unreachable');
  options.onRetry?.(reason, waitMs);
  await setTimeout(waitMs, undefined, options.signal === undefined ? {} : { signal: options.signal });
}

/** "Equal jitter": half the delay fixed, half random. */
export function backoffMs(failures: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** failures);
  return ceiling / 2 + random() * (ceiling / 2);
}
