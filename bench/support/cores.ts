/**
 * The ingest targets (bench/README.md) are for "one process on one core": the server under
 * test (bare or tmon, every thread of it) runs on one core of its own, and
 * the load generator on the others, so neither takes CPU from the other and
 * the scheduler cannot move them around mid-run. Pinned with taskset
 * (util-linux, in every Debian); with a single core, or without taskset,
 * nothing is pinned and the plan says so.
 */
import { execFileSync } from 'node:child_process';

export interface CorePlan {
  /** the core every server under test runs on, or null when not pinned */
  serverCore: number | null;
  /** one line for the report */
  describe: string;
}

/**
 * Keeps the last core this process may use for the servers and moves this
 * process (every thread: autocannon's too) to the others. `unpinned` names
 * why not to, when the caller has a reason.
 */
export function planCores(unpinned: string | null): CorePlan {
  const shared = (why: string): CorePlan => ({
    serverCore: null,
    describe: `cores: not pinned (${why}): the servers under test and the load generator share them`,
  });
  if (unpinned !== null) return shared(unpinned);
  let allowed: number[];
  try {
    allowed = allowedCores();
  } catch (error) {
    return shared(`taskset failed: ${(error as Error).message.split('\n')[0]}`);
  }
  if (allowed.length < 2) return shared('one core only');
  const serverCore = allowed[allowed.length - 1] as number;
  const loadCores = allowed.slice(0, -1).join(',');
  execFileSync('taskset', ['-a', '-p', '-c', loadCores, String(process.pid)], { stdio: 'ignore' });
  return {
    serverCore,
    describe:
      `cores: each server under test (all its threads) pinned to core ${serverCore}, ` +
      `the load generator to core(s) ${loadCores} (one process on one core)`,
  };
}

/** The cores this process may run on, from `taskset -c -p` ("pid N's current affinity list: 0-3,6"). */
function allowedCores(): number[] {
  const out = execFileSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
  const list = out.slice(out.lastIndexOf(':') + 1).trim();
  return list.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number) as [number, number?];
    return Array.from({ length: (to as number) - from + 1 }, (_, i) => from + i);
  });
}

/** The command that starts `node <args>`, on `core` when one is given. */
export function pinnedCommand(core: number | null | undefined, args: string[]): [string, string[]] {
  if (core === null || core === undefined) return [process.execPath, args];
  return ['taskset', ['-c', String(core), process.execPath, ...args]];
}
