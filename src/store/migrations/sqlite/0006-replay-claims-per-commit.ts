/**
 * v2 replay claims recorded one row per commit instead of one per claim:
 * the claims a group commit made, as JSON `[[service_id, key, expires_at],
 * …]`, and the latest of their expiries. A row per claim cost the writer
 * an insert and its index entry per v2 request and ~3 pages written per
 * commit; one row per commit costs about one insert per group.
 * The writer checks claims in memory (replay-claims.ts); this table is read
 * only after a start. Claims still live are carried over, one row each.
 */
export const name = 'replay-claims-per-commit';

export const sql = `
CREATE TABLE replay_claim_groups (
  expires_at INTEGER NOT NULL,
  claims TEXT NOT NULL
);
CREATE INDEX replay_claim_groups_expires ON replay_claim_groups(expires_at);
INSERT INTO replay_claim_groups (expires_at, claims)
  SELECT expires_at, json_array(json_array(service_id, key, expires_at)) FROM replay_claims ORDER BY expires_at;
DROP TABLE replay_claims;
`;
