/**
 * Drops the (res, bucket) index of `rollups`: window expiry and pruning go
 * service by service through the primary key instead (windows.ts,
 * maintenance.ts), so a new rollup row is one B-tree insert, not two. The
 * index was as large as the table, and an import of history adds about a
 * rollup row per line.
 */
export const name = 'rollups-without-bucket-index';

export const sql = `
DROP INDEX rollups_res_bucket;
`;
