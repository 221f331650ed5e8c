/**
 * Delivers one request's events: encodes, posts, retries with backoff until
 * tmon answers for good. Every attempt is encoded anew (a v2 retry gets a
 * fresh iv and sent_at, which tmon requires); the events' idempotency ids
 * make a retry after a lost answer safe: tmon stores each id once.
 */
import { encodeRequest } from './protocols/encode.js';
import { isRetryableStatus, type RetryPolicy, retryDelayMs } from './retry.js';
import { type HttpAnswer, postRequest } from './transport.js';
import type { TmonProtocol } from './types.js';

export interface DeliveryTarget {
  url: string;
  protocol: TmonProtocol;
  wsid: number;
  secret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  policy: RetryPolicy;
}

export interface DeliveryHooks {
  /** called before each retry, with the number of events re-sent */
  onRetry(events: number): void;
  /** waits `ms` (the client makes this wakeable, so close() need not sit out a backoff) */
  sleep(ms: number): Promise<void>;
  /** the time (Date.now()) after which no retry may start, or null */
  deadline(): number | null;
}

export type DeliveryOutcome =
  | { kind: 'accepted'; answer: HttpAnswer; rejected: RejectedEvent[] }
  | { kind: 'refused'; answer: HttpAnswer; rejected: RejectedEvent[] }
  | { kind: 'gave_up'; answer: HttpAnswer | null; error: unknown; rejected: RejectedEvent[] };

/** An event tmon refused inside a v2 batch; the rest of the batch was sent again without it. */
export interface RejectedEvent {
  json: string;
  answer: HttpAnswer;
}

/** tmon refuses a v2 batch whole when one event is bad, and names it: "event 3: ip is not a valid IP address". */
const BAD_EVENT_MESSAGE = /^event (\d+):/;

export async function deliver(
  events: readonly string[],
  target: DeliveryTarget,
  hooks: DeliveryHooks,
): Promise<DeliveryOutcome> {
  let remaining = [...events];
  const rejected: RejectedEvent[] = [];
  let retry = 0;
  for (;;) {
    let answer: HttpAnswer | null = null;
    let error: unknown = null;
    try {
      answer = await postRequest(
        target.url,
        encodeRequest(target.protocol, remaining, target.wsid, target.secret),
        target,
      );
    } catch (caught) {
      error = caught;
    }
    if (answer !== null && answer.status >= 200 && answer.status < 300) return { kind: 'accepted', answer, rejected };
    if (answer !== null && !isRetryableStatus(answer.status)) {
      const bad = badEventIndex(answer, remaining.length);
      if (bad === null) return { kind: 'refused', answer, rejected };
      // one bad event must not sink the other 999: drop it, send the rest at once
      rejected.push({ json: remaining[bad] as string, answer });
      remaining = remaining.filter((_, i) => i !== bad);
      continue;
    }
    if (retry >= target.policy.maxRetries) return { kind: 'gave_up', answer, error, rejected };
    const delay = retryDelayMs(retry, target.policy, answer?.retryAfterMs ?? null);
    const deadline = hooks.deadline();
    if (deadline !== null && Date.now() + delay > deadline) return { kind: 'gave_up', answer, error, rejected };
    await hooks.sleep(delay);
    retry += 1;
    hooks.onRetry(remaining.length);
  }
}

function badEventIndex(answer: HttpAnswer, count: number): number | null {
  if (answer.status !== 400 || answer.body.error !== 'bad_event' || count < 2) return null;
  const match = BAD_EVENT_MESSAGE.exec(String(answer.body.message ?? ''));
  const index = match ? Number(match[1]) : Number.NaN;
  return Number.isInteger(index) && index >= 0 && index < count ? index : null;
}
