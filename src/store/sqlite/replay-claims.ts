import type { SqliteDatabase } from './database.js';

/**
 * Expiries are held in memory as whole seconds after this instant, rounded up
 * (a claim may outlive its time by under a second, never fall short): small
 * integers, which V8 keeps inside the Map entry, where a time in milliseconds
 * needs a heap number of its own: 62 instead of 78 bytes per claim, measured.
 */
const EPOCH_MS = Date.UTC(2025, 0, 1);
const toSeconds = (ms: number) => Math.ceil((ms - EPOCH_MS) / 1000);
const toMs = (seconds: number) => EPOCH_MS + seconds * 1000;

/**
 * The v2 ivs claimed per service and when each claim expires (SPEC §3.3: an
 * iv seen for that service within the window is a replay). Checked in
 * memory: only the process that writes events claims keys (one per data
 * directory, see sqlite-store.ts), so its memory is the whole truth. Every
 * claim is also recorded in `replay_claims`, in the transaction of its
 * events, and read back when first needed after a start: a restart refuses
 * the replays the process before it would have. That table is in expiry
 * order, so recording a claim appends to its last page (a table keyed by the
 * random iv dirtied a random page per claim: measured ~17 µs of the writer's
 * ~32 µs per single-event request, now ~2 µs).
 *
 * Memory: one entry per v2 request of the last 5 minutes (longer only for a
 * sent_at ahead of the server's clock: see the pipeline's claimExpiry), ~62
 * bytes each (measured: the iv's string 32, the Map entry and its table's
 * slack the rest) — ~2 MB at a steady 100 requests/s, ~300 MB at 16,000/s
 * sustained.
 */
export class SqliteReplayClaims {
  /** per service: iv → expiry (toSeconds), in the order claimed, which is (nearly) the order they expire */
  readonly #live = new Map<number, Map<string, number>>();
  /** claims of the transaction in progress, with what each replaced: undone if it rolls back */
  #unsettled: { serviceId: number; key: string; replaced: number | undefined }[] = [];
  #loaded = false;
  private readonly record;
  private readonly pruneRecorded;
  private readonly recorded;

  constructor(db: SqliteDatabase) {
    // a repeat of the very same claim (same expiry) has nothing to add
    this.record = db.prepare<[number, number, string]>(
      'INSERT INTO replay_claims (expires_at, service_id, key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.pruneRecorded = db.prepare<[number, number]>(
      `DELETE FROM replay_claims WHERE (expires_at, service_id, key) IN (
         SELECT expires_at, service_id, key FROM replay_claims WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
    );
    this.recorded = db.prepare<[], { expires_at: number; service_id: number; key: string }>(
      'SELECT expires_at, service_id, key FROM replay_claims ORDER BY expires_at',
    );
  }

  /**
   * Claims `key` for the service until `expiresAt`, in the caller's write
   * transaction (settle() or undo() after it): false when a claim on it is
   * still live at `now`. An expired claim is taken over.
   */
  claim(serviceId: number, key: string, expiresAt: number, now: number): boolean {
    this.#load();
    const keys = this.#keysOf(serviceId);
    const existing = keys.get(key);
    if (existing !== undefined && toMs(existing) > now) return false;
    this.record.run(expiresAt, serviceId, key);
    // deleted first, so the taken-over key moves to the end of the claim order
    keys.delete(key);
    keys.set(key, toSeconds(expiresAt));
    this.#unsettled.push({ serviceId, key, replaced: existing });
    return true;
  }

  /** The transaction that recorded this transaction's claims committed. */
  settle(): void {
    this.#unsettled = [];
  }

  /** The transaction rolled back: its claims were never made. */
  undo(): void {
    for (const { serviceId, key, replaced } of this.#unsettled.reverse()) {
      const keys = this.#keysOf(serviceId);
      if (replaced === undefined) keys.delete(key);
      else keys.set(key, replaced);
    }
    this.#unsettled = [];
  }

  /**
   * Drops claims expired at `now`: at most `maxRows` recorded ones (oldest
   * first), and from memory every expired one at the head of a service's
   * claim order. Returns the recorded rows deleted.
   */
  prune(now: number, maxRows: number): number {
    this.#load();
    for (const [serviceId, keys] of this.#live) {
      for (const [key, expiresAt] of keys) {
        if (toMs(expiresAt) > now) break;
        keys.delete(key);
      }
      if (keys.size === 0) this.#live.delete(serviceId);
    }
    return this.pruneRecorded.run(now, maxRows).changes;
  }

  /** A removed service's claims (recorded ones expire with the rest). */
  forgetService(serviceId: number): void {
    this.#live.delete(serviceId);
  }

  /** Read on first use, not at open: a CLI command that opens the store claims nothing. */
  #load(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    for (const row of this.recorded.iterate()) this.#keysOf(row.service_id).set(row.key, toSeconds(row.expires_at));
  }

  #keysOf(serviceId: number): Map<string, number> {
    let keys = this.#live.get(serviceId);
    if (keys === undefined) {
      keys = new Map();
      this.#live.set(serviceId, keys);
    }
    return keys;
  }
}
