/**
 * The rollup queue. A writer no longer applies rollups and windows in the
 * transaction that stores its events: those upserts were ~80 % of a group
 * commit's cost (every event touched ~30 rollup and ~40 window rows). The
 * group commit's statement queues, one row per service, either the counts of
 * the events it stored (aggregated per value and minute, JSON) or, when some
 * events were not stored (replays, repeated ids), the seqs of those it did;
 * a fold later applies many queued groups at once and deletes them in one
 * transaction (see postgres/rollup-folder.ts). The queue is as durable as the
 * events, whichever process folds it. Keyed by service id, like every table
 * holding service data (Citus).
 */
export const name = 'rollup-queue';

export const sql = `
CREATE TABLE rollup_queue (
  service_id bigint NOT NULL,
  id bigint GENERATED ALWAYS AS IDENTITY,
  counts text,
  seqs bigint[],
  CONSTRAINT rollup_queue_pkey PRIMARY KEY (service_id, id),
  CONSTRAINT rollup_queue_counts_or_seqs CHECK ((counts IS NULL) <> (seqs IS NULL))
);
`;
