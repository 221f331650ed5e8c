/**
 * After an import: do tmon's rollups count every line? Sums the daily request
 * series and the all-time country ranking through the query API, as a
 * dashboard reads them, waiting for the counters to catch up (they trail
 * ingestion by at most a second).
 */

export interface RollupTotals {
  /** requests summed over the daily series */
  daily: number;
  /** requests summed over the all-time country ranking (every address is geolocated) */
  countries: number;
  countryRows: number;
  /** ms of the slower of the two queries, the last time they were asked */
  slowestQueryMs: number;
}

interface Rows {
  results: { requests: number }[];
}

async function getRows(url: string, token: string): Promise<{ rows: Rows['results']; ms: number }> {
  const started = performance.now();
  const answer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!answer.ok) throw new Error(`GET ${url} answered ${answer.status}: ${await answer.text()}`);
  const body = (await answer.json()) as Rows;
  return { rows: body.results, ms: performance.now() - started };
}

/** Asks until both totals reach `expected` or `waitMs` has passed; returns the last answer. */
export async function rollupTotals(
  base: string,
  serviceId: number,
  token: string,
  options: { days: number; expected: number; waitMs: number },
): Promise<RollupTotals> {
  const until = performance.now() + options.waitMs;
  for (;;) {
    const series = await getRows(`${base}/${serviceId}/data/requests/day/${Math.min(3600, options.days + 2)}`, token);
    const ranking = await getRows(`${base}/${serviceId}/data/users/country?window=all&limit=1000`, token);
    const totals: RollupTotals = {
      daily: series.rows.reduce((sum, row) => sum + row.requests, 0),
      countries: ranking.rows.reduce((sum, row) => sum + row.requests, 0),
      countryRows: ranking.rows.length,
      slowestQueryMs: Math.max(series.ms, ranking.ms),
    };
    const done = totals.daily === options.expected && totals.countries === options.expected;
    if (done || performance.now() > until) return totals;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
