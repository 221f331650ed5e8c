import type pg from 'pg';
import type { AlertCountQuery, AlertCountRows } from '../alert-counts.js';
import { arrayLiteral } from './event-rows.js';

/**
 * Every query of an evaluation round in one statement (one round trip for
 * 1,000 rules): each query is an index range on the rollups' primary key,
 * summed per key or in total. Queries with no rows answer nothing here and
 * get their zero total below.
 */
const SUMS_SQL = `
  SELECT q.i, CASE WHEN q.by_key THEN r.key ELSE '' END AS key, sum(r.requests)::bigint AS n
  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::boolean[])
    WITH ORDINALITY AS q(service_id, dim, res, from_bucket, to_bucket, key_from, key_to, by_key, i)
  JOIN rollups r ON r.service_id = q.service_id AND r.dim = q.dim AND r.res = q.res
    AND r.bucket BETWEEN q.from_bucket AND q.to_bucket
    AND r.key >= q.key_from COLLATE "C" AND r.key < q.key_to COLLATE "C"
  GROUP BY q.i, 2`;

export async function postgresAlertCounts(
  pool: pg.Pool,
  queries: readonly AlertCountQuery[],
): Promise<AlertCountRows[]> {
  const answers: AlertCountRows[] = queries.map((q) => (q.byKey ? [] : [['', 0]]));
  if (queries.length === 0) return answers;
  const { rows } = await pool.query<{ i: string; key: string; n: number }>(
    SUMS_SQL,
    [
      queries.map((q) => q.serviceId),
      queries.map((q) => q.dim),
      queries.map((q) => q.res),
      queries.map((q) => q.from),
      queries.map((q) => q.to),
      queries.map((q) => q.keyFrom),
      queries.map((q) => q.keyTo),
      queries.map((q) => q.byKey),
    ].map(arrayLiteral),
  );
  for (const row of rows) {
    const index = Number(row.i) - 1;
    const query = queries[index] as AlertCountQuery;
    if (query.byKey) (answers[index] as AlertCountRows).push([row.key, Number(row.n)]);
    else answers[index] = [['', Number(row.n)]];
  }
  return answers;
}
