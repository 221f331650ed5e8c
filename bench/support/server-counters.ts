/** tmon's own ingestion counters, read from /metrics (an admin token). */

export interface ServerCounters {
  accepted: number;
  stored: number;
  /** group commits: stored / groupCommits is the mean group size */
  groupCommits: number;
}

/** tmon's /metrics: what the server itself answered 200 and stored. */
export async function serverCounters(port: number, token: string): Promise<ServerCounters> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    accepted: value('tmon_collect_accepted_events_total'),
    stored: value('tmon_collect_stored_events_total'),
    groupCommits: value('tmon_group_commits_total'),
  };
}

/**
 * Counters once they stop moving: a timed run ends with up to `--connections`
 * requests in flight (a batch takes hundreds of ms), answered after autocannon
 * stopped listening.
 */
export async function settledCounters(read: () => Promise<ServerCounters>): Promise<ServerCounters> {
  let last = await read();
  for (let i = 0; i < 30; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await read();
    if (now.accepted === last.accepted && now.stored === last.stored && now.groupCommits === last.groupCommits)
      return now;
    last = now;
  }
  return last;
}
