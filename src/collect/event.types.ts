/** An event as a sender reported it, validated (docs/protocol.md). */
export interface CollectedEvent {
  url: string;
  ip: string;
  useragent: string;
  username: string | null;
  /** ms since epoch: the sender's `ts`, or the time of receipt */
  ts: number;
  method: string | null;
  status: number | null;
  durationMs: number | null;
  referrer: string | null;
  /** idempotency key, unique per service */
  id: string | null;
  /** every other field the sender sent, kept as-is (≤ 4 KB JSON, depth ≤ 3) */
  extra: Record<string, unknown> | null;
}
