/** What loadgen prints: a live progress line while it runs, a summary at the end. */
import type { LoadgenProgress, LoadgenSummary } from './run-loadgen.js';

/** On a terminal, one line rewritten every second; in a log, a line every 5 s. */
export function progressPrinter(stream: NodeJS.WriteStream): {
  onProgress: (progress: LoadgenProgress) => void;
  end: () => void;
} {
  const tty = stream.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  return {
    onProgress(progress) {
      if (tty) {
        stream.write(`\r${progressLine(progress)}\x1b[K`);
        drawn = true;
      } else if (progress.elapsedSec - lastLine >= 4.5) {
        lastLine = progress.elapsedSec;
        stream.write(`${progressLine(progress)}\n`);
      }
    },
    end() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

export function progressLine(p: LoadgenProgress): string {
  return [
    `${p.elapsedSec.toFixed(0).padStart(4)} s`,
    `${formatNumber(p.recentRate)} events/s`,
    `${formatNumber(p.eventsAccepted)} stored`,
    `p50 ${ms(p.latency.p50)}  p99 ${ms(p.latency.p99)}`,
    `${p.inFlight} in flight`,
    p.failedRequests === 0 ? 'no errors' : `${formatNumber(p.failedRequests)} failed requests`,
  ].join('  ·  ');
}

export function summaryText(s: LoadgenSummary, setup: string): string {
  const errors = Object.entries(s.errors).sort((a, b) => b[1] - a[1]);
  return [
    `loadgen: ${s.elapsedSec.toFixed(1)} s, ${setup}`,
    `requests  ${formatNumber(s.requests.sent)} sent, ${formatNumber(s.requests.ok)} ok, ${formatNumber(s.requests.failed)} failed`,
    `events    ${formatNumber(s.events.accepted)} stored of ${formatNumber(s.events.sent)} sent`,
    `rate      ${formatNumber(s.rateReached)} events/s reached (asked ${formatNumber(s.rateAsked)})`,
    `latency   p50 ${ms(s.latencyMs.p50)}  p95 ${ms(s.latencyMs.p95)}  p99 ${ms(s.latencyMs.p99)}  max ${ms(s.latencyMs.max)}`,
    `errors    ${errors.length === 0 ? 'none' : errors.map(([kind, count]) => `${formatNumber(count)}× ${kind}`).join(', ')}`,
  ].join('\n');
}

export function summaryJson(s: LoadgenSummary, extra: Record<string, unknown>) {
  const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 100) / 100 : null);
  return {
    ...extra,
    elapsed_s: round(s.elapsedSec),
    rate_asked: s.rateAsked,
    rate_reached: round(s.rateReached),
    requests: s.requests,
    events: s.events,
    latency_ms: {
      p50: round(s.latencyMs.p50),
      p95: round(s.latencyMs.p95),
      p99: round(s.latencyMs.p99),
      max: round(s.latencyMs.max),
      mean: round(s.latencyMs.mean),
    },
    errors: s.errors,
  };
}

function formatNumber(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}
