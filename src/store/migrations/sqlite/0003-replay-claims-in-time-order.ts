/**
 * v2 replay keys are random ivs. Kept in a table keyed by (service, iv),
 * every claim dirtied a random page, written to the WAL at its commit and
 * copied again by the checkpoint: about half the writer's work per
 * single-event request. The writer now checks claims in memory
 * (replay-claims.ts) and this table only records them for a restart, in the
 * order they expire: each claim appends to the last page, and pruning cuts
 * from the first. Claims still live are carried over.
 */
export const name = 'replay-claims-in-time-order';

export const sql = `
CREATE TABLE replay_claims (
  expires_at INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  PRIMARY KEY (expires_at, service_id, key)
) WITHOUT ROWID;
INSERT INTO replay_claims (expires_at, service_id, key) SELECT expires_at, service_id, key FROM replay_keys;
DROP TABLE replay_keys;
`;
