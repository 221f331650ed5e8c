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
 * The v2 ivs claimed per service and when each claim expires (docs/protocol.md: an
 * iv seen for that service within the window is a replay). Checked in
 * memory: only the process that writes events claims keys (one per data
 * directory, see sqlite-store.ts), so its memory is the whole truth. The
 * claims a transaction makes are also recorded in it, as one row of
 * `replay_claim_groups` (record()), and read back when first needed after a
 * start: a restart refuses the replays the process before it would have.
 * One row per commit rather than per claim (migration 6): a row per claim
 * cost an insert per v2 request, and before that a table keyed by the
 * random iv dirtied a random page per claim.
 *
 * Memory: one entry per v2 request of the last 5 minutes (longer only for a
 * sent_at ahead of the server's clock: see the pipeline's claimExpiry), ~62
 * bytes each, the iv's string and the Map entry: ~300 MB at a sustained
 * 16,000 requests/s.
 */
export class SqliteReplayClaims {
  /** per service: iv → expiry (toSeconds), in the order claimed, which is (nearly) the order they expire */
  readonly #live = new Map<number, Map<string, number>>();
  /** claims of the transaction in progress, with what each replaced: recorded at its end, undone if it rolls back */
  #unsettled: { serviceId: number; key: string; expiresAt: number; replaced: number | undefined }[] = [];
  #loaded = false;
  private readonly recordGroup;
  private readonly pruneRecorded;
  private readonly recorded;

  constructor(db: SqliteDatabase) {
    this.recordGroup = db.prepare<[number, string]>(
      'INSERT INTO replay_claim_groups (expires_at, claims) VALUES (?, ?)',
    );
    // a group goes once its last claim has expired (memory drops each claim at its own time)
    this.pruneRecorded = db.prepare<[number, number]>(
      `DELETE FROM replay_claim_groups WHERE rowid IN (
         SELECT rowid FROM replay_claim_groups WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
    );
    this.recorded = db.prepare<[], string>('SELECT claims FROM replay_claim_groups ORDER BY rowid').pluck();
  }

  /**
   * Claims `key` for the service until `expiresAt`, in the caller's write
   * transaction (record(), then settle() or undo() after it): false when a
   * claim on it is still live at `now`. An expired claim is taken over.
   */
  claim(serviceId: number, key: string, expiresAt: number, now: number): boolean {
    this.#load();
    const keys = this.#keysOf(serviceId);
    const existing = keys.get(key);
    if (existing !== undefined) {
      if (toMs(existing) > now) return false;
      // deleted first, so the taken-over key moves to the end of the claim order
      keys.delete(key);
    }
    keys.set(key, toSeconds(expiresAt));
    this.#unsettled.push({ serviceId, key, expiresAt, replaced: existing });
    return true;
  }

  /** Records the transaction's claims, in it, as one row: call it last in the transaction that claimed them. */
  record(): void {
    if (this.#unsettled.length === 0) return;
    let latest = Number.NEGATIVE_INFINITY;
    const claims: [number, string, number][] = [];
    for (const { serviceId, key, expiresAt } of this.#unsettled) {
      claims.push([serviceId, key, expiresAt]);
      if (expiresAt > latest) latest = expiresAt;
    }
    this.recordGroup.run(latest, JSON.stringify(claims));
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
   * Drops claims expired at `now`: at most `maxRows` recorded groups whose
   * claims have all expired (oldest first), and from memory every expired
   * claim at the head of a service's claim order. Returns the recorded rows
   * deleted.
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

  /**
   * Read on first use, not at open: a CLI command that opens the store claims
   * nothing. Groups in commit order, claims in claim order: a key claimed
   * again (taken over once expired) ends where the live process had it.
   */
  #load(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    for (const text of this.recorded.iterate()) {
      for (const [serviceId, key, expiresAt] of JSON.parse(text) as [number, string, number][]) {
        const keys = this.#keysOf(serviceId);
        keys.delete(key);
        keys.set(key, toSeconds(expiresAt));
      }
    }
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
