/**
 * SPEC §8 measures ingestion of "one process on one core": the server under
 * test (bare or tmon, every thread of it) runs on one core of its own, and
 * the load generator on the others, so neither takes CPU from the other and
 * the scheduler cannot move them around mid-run. Pinned with taskset
 * (util-linux), which every Debian has; on a single core there is nothing to
 * split, and the plan says so.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface CorePlan {
  /** the core every server under test runs on, or null when not pinned */
  serverCore: number | null;
  /** the cores of the load generator (this process), as a taskset list */
  loadCores: string | null;
  /** one line for the report */
  describe: string;
}

/** Pins this process to all cores but the last and keeps the last for the servers; `share` opts out. */
export function planCores(share: boolean): CorePlan {
  const cores = os.availableParallelism();
  if (share || cores < 2) {
    const why = share ? '--share-cores' : 'one core only';
    return {
      serverCore: null,
      loadCores: null,
      describe: `cores: not pinned (${why}): server, baseline and load generator share ${cores} core(s)`,
    };
  }
  const serverCore = cores - 1;
  const loadCores = cores === 2 ? '0' : `0-${cores - 2}`;
  // -a: every thread of this process, autocannon's included
  execFileSync('taskset', ['-a', '-p', '-c', loadCores, String(process.pid)], { stdio: 'ignore' });
  return {
    serverCore,
    loadCores,
    describe:
      `cores: each server under test (all its threads) pinned to core ${serverCore}, ` +
      `the load generator to core(s) ${loadCores} (SPEC §8: one process on one core)`,
  };
}

/** The command that starts `node <args>`, on `core` when one is given. */
export function pinnedCommand(core: number | null | undefined, args: string[]): [string, string[]] {
  if (core === null || core === undefined) return [process.execPath, args];
  return ['taskset', ['-c', String(core), process.execPath, ...args]];
}
