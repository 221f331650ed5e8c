import type { RefusalCode } from '../errors/refusal.js';

/** What the collect endpoint did, counted: accepted requests/events and refusals by reason. */
export class IngestCounters {
  acceptedRequests = 0;
  acceptedEvents = 0;
  storedEvents = 0;
  /** group commits of collected events (one transaction each): storedEvents / groupCommits ≈ events per commit */
  groupCommits = 0;
  /** OTLP spans that are not HTTP server spans: no event, and no error either */
  otlpSpansIgnored = 0;
  /** OTLP HTTP server spans that could not become an event (reported back as a partial success) */
  otlpSpansRejected = 0;
  readonly refusals = new Map<RefusalCode, number>();

  countRefusal(code: RefusalCode): void {
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }

  snapshot(): {
    accepted_requests: number;
    accepted_events: number;
    stored_events: number;
    group_commits: number;
    otlp_spans_ignored: number;
    otlp_spans_rejected: number;
    refused: Record<string, number>;
  } {
    return {
      accepted_requests: this.acceptedRequests,
      accepted_events: this.acceptedEvents,
      stored_events: this.storedEvents,
      group_commits: this.groupCommits,
      otlp_spans_ignored: this.otlpSpansIgnored,
      otlp_spans_rejected: this.otlpSpansRejected,
      refused: Object.fromEntries(this.refusals),
    };
  }
}
