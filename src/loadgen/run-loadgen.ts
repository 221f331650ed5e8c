/**
 * The request generator's engine: sends the traffic mix at the asked rate of
 * events per second, with at most `concurrency` requests in flight, and
 * measures what came back. Requests are not retried: it measures the server,
 * it does not try to get the events in.
 *
 * Pacing: request k is due at k / (rate / batch) seconds; a tick launches
 * every due request a free slot allows. A server that falls behind fills the
 * slots and the rate reached shows it; the backlog is capped at one second so
 * a stall is not followed by a burst that no real traffic would make.
 *
 * A server that never answers at all (nothing listens, the name does not
 * resolve) ends the run after UNREACHABLE_AFTER_MS, with `unreachable` set: a
 * run of `--duration 0` must not fail silently forever.
 */
import { collectUrl, encodeRequest, type TmonProtocol, timeOrderedId } from '@tmon/client';
import { createPoster } from './http-poster.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';

export interface LoadgenOptions {
  server: string;
  wsid: number;
  secret: string;
  /** events per second */
  rate: number;
  /** seconds; 0 runs until `signal` aborts */
  durationSec: number;
  concurrency: number;
  /** events per request: > 1 needs v2 */
  batch: number;
  protocol: TmonProtocol;
  nextEvent: () => object;
  signal?: AbortSignal;
  /** give up after this long when no request got any answer (default UNREACHABLE_AFTER_MS) */
  unreachableAfterMs?: number;
  timeoutMs?: number;
  onProgress?: (progress: LoadgenProgress) => void;
  progressEveryMs?: number;
}

export interface LoadgenProgress {
  elapsedSec: number;
  /** events acknowledged per second since the previous report */
  recentRate: number;
  eventsAccepted: number;
  requests: number;
  failedRequests: number;
  inFlight: number;
  latency: LatencySummary;
}

export interface LoadgenSummary {
  elapsedSec: number;
  rateAsked: number;
  /** events acknowledged per second of the run */
  rateReached: number;
  requests: { sent: number; ok: number; failed: number };
  events: { sent: number; accepted: number };
  latencyMs: LatencySummary;
  /** failed requests by kind: "503 unavailable", "ECONNREFUSED", "timeout", … */
  errors: Record<string, number>;
  /** set when no request got an answer: every one failed at the network level */
  unreachable: Unreachable | null;
}

/** no answer of any kind (only network errors) this long after the start: the server is not there */
export const UNREACHABLE_AFTER_MS = 2_000;

/** Why nothing answered: the last network error, the requests tried and the time it took. */
export interface Unreachable {
  lastError: unknown;
  tries: number;
  elapsedMs: number;
}

export async function runLoadgen(options: LoadgenOptions): Promise<LoadgenSummary> {
  const { rate, batch, concurrency, durationSec, signal } = options;
  if (batch > 1 && options.protocol !== 'v2') throw new Error('batches need the v2 protocol');
  const poster = createPoster(collectUrl(options.server), { concurrency, timeoutMs: options.timeoutMs ?? 10_000 });
  const requestRate = rate / batch;
  const latency = new LatencyHistogram();
  const errors: Record<string, number> = {};
  const counts = { requests: 0, ok: 0, failed: 0, eventsSent: 0, eventsAccepted: 0 };
  const inFlight = new Set<Promise<void>>();
  let answered = false;
  let lastNetworkError: unknown = null;

  const sendOne = async (): Promise<void> => {
    const now = Date.now();
    // ids as tmon's Node client makes them (time first: cheaper for tmon to index than random ones)
    const events = Array.from({ length: batch }, () =>
      JSON.stringify({ ...options.nextEvent(), id: timeOrderedId(now) }),
    );
    counts.requests += 1;
    counts.eventsSent += events.length;
    const started = performance.now();
    try {
      const request = encodeRequest(options.protocol, events, options.wsid, options.secret);
      const answer = await poster.post(request);
      latency.record(performance.now() - started);
      answered = true;
      if (answer.status === 200) {
        counts.ok += 1;
        counts.eventsAccepted += typeof answer.body.accepted === 'number' ? answer.body.accepted : events.length;
      } else {
        counts.failed += 1;
        const kind = `${answer.status} ${String(answer.body.error ?? '')}`.trim();
        errors[kind] = (errors[kind] ?? 0) + 1;
      }
    } catch (error) {
      counts.failed += 1;
      const kind = networkErrorKind(error);
      errors[kind] = (errors[kind] ?? 0) + 1;
      lastNetworkError = error;
      if (!answered && elapsedSec() * 1000 >= (options.unreachableAfterMs ?? UNREACHABLE_AFTER_MS)) stop();
    }
  };

  const started = performance.now();
  let slotsTaken = 0;
  let stopped = false;
  const elapsedSec = () => (performance.now() - started) / 1000;
  const launchDue = () => {
    if (stopped) return;
    const elapsed = elapsedSec();
    if ((durationSec > 0 && elapsed >= durationSec) || signal?.aborted) {
      stop();
      return;
    }
    const due = Math.floor(elapsed * requestRate) + 1;
    if (due - slotsTaken > requestRate) slotsTaken = Math.floor(due - requestRate);
    while (slotsTaken < due && inFlight.size < concurrency) {
      slotsTaken += 1;
      const request = sendOne().finally(() => {
        inFlight.delete(request);
        launchDue();
      });
      inFlight.add(request);
    }
  };

  let lastReport = { at: 0, accepted: 0 };
  const report = () => {
    const elapsed = elapsedSec();
    const interval = elapsed - lastReport.at;
    options.onProgress?.({
      elapsedSec: elapsed,
      recentRate: interval > 0 ? (counts.eventsAccepted - lastReport.accepted) / interval : 0,
      eventsAccepted: counts.eventsAccepted,
      requests: counts.requests,
      failedRequests: counts.failed,
      inFlight: inFlight.size,
      latency: latency.summary(),
    });
    lastReport = { at: elapsed, accepted: counts.eventsAccepted };
  };

  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  // a tick per due request, but at most every 1 ms and at least every 20 ms (to notice the end)
  const tick = setInterval(launchDue, Math.min(20, Math.max(1, 1000 / requestRate)));
  const progress = setInterval(report, options.progressEveryMs ?? 1000);
  const onAbort = () => launchDue();
  signal?.addEventListener('abort', onAbort);
  function stop() {
    if (stopped) return;
    stopped = true;
    clearInterval(tick);
    clearInterval(progress);
    signal?.removeEventListener('abort', onAbort);
    finish();
  }
  launchDue();
  await finished;
  const pacedSec = elapsedSec();
  await Promise.all(inFlight);
  poster.close();
  const elapsed = Math.max(pacedSec, 1e-9);

  return {
    elapsedSec: pacedSec,
    rateAsked: rate,
    rateReached: counts.eventsAccepted / elapsed,
    requests: { sent: counts.requests, ok: counts.ok, failed: counts.failed },
    events: { sent: counts.eventsSent, accepted: counts.eventsAccepted },
    latencyMs: latency.summary(),
    errors,
    unreachable:
      !answered && counts.failed > 0
        ? { lastError: lastNetworkError, tries: counts.requests, elapsedMs: pacedSec * 1000 }
        : null,
  };
}

function networkErrorKind(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}
