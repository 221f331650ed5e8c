import type { RefusalCode } from '../errors/refusal.js';

/** What the collect endpoint did, counted: accepted requests/events and refusals by reason. */
export class IngestCounters {
  acceptedRequests = 0;
  acceptedEvents = 0;
  storedEvents = 0;
  /** group commits of collected events (one transaction each): storedEvents / groupCommits ≈ events per commit */
  groupCommits = 0;
  readonly refusals = new Map<RefusalCode, number>();

  countRefusal(code: RefusalCode): void {
    this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }

  snapshot(): {
    accepted_requests: number;
    accepted_events: number;
    stored_events: number;
    group_commits: number;
    refused: Record<string, number>;
  } {
    return {
      accepted_requests: this.acceptedRequests,
      accepted_events: this.acceptedEvents,
      stored_events: this.storedEvents,
      group_commits: this.groupCommits,
      refused: Object.fromEntries(this.refusals),
    };
  }
}
