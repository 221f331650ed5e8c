/**
 * Timed runs of several servers in alternating slices (A B A B …) instead of
 * one long run each: a machine whose speed drifts over the minutes of a
 * benchmark then slows every server alike, and their ratio holds. Each
 * server's slices are summed into one LoadResult and one CpuUsed.
 */
import type { LoadResult } from './load.js';
import { type CpuUsed, cpuSince, cpuSnapshot } from './proc-cpu.js';

export interface Contender {
  /** the processes whose CPU is counted */
  pids: readonly number[];
  /** puts load on the server for `seconds` */
  run(seconds: number): Promise<LoadResult>;
}

export interface AlternateOptions {
  /** seconds of load per server, split over the slices */
  seconds: number;
  slices: number;
  /** count PostgreSQL's CPU too */
  withPostgres: boolean;
}

export interface ContenderResult {
  run: LoadResult;
  cpu: CpuUsed;
  /** each slice's own figures, in order (how much they spread says how far to trust the sum) */
  slices: LoadResult[];
}

export async function runAlternating(
  contenders: readonly Contender[],
  options: AlternateOptions,
): Promise<ContenderResult[]> {
  const sliceSeconds = options.seconds / options.slices;
  const runs: LoadResult[][] = contenders.map(() => []);
  const cpus: CpuUsed[][] = contenders.map(() => []);
  for (let slice = 0; slice < options.slices; slice++) {
    for (const [i, contender] of contenders.entries()) {
      const before = cpuSnapshot(contender.pids, options.withPostgres);
      const run = await contender.run(sliceSeconds);
      cpus[i]?.push(cpuSince(before));
      runs[i]?.push(run);
    }
  }
  return contenders.map((_, i) => ({
    run: mergeRuns(runs[i] ?? []),
    cpu: sumCpu(cpus[i] ?? []),
    slices: runs[i] ?? [],
  }));
}

/**
 * One LoadResult for a server's slices: counts and times summed, p50 the mean
 * of the slices' p50 weighted by their answers, p99 the worst slice's (a
 * percentile of the whole cannot be had from the slices' percentiles; the
 * worst one does not flatter).
 */
export function mergeRuns(runs: readonly LoadResult[]): LoadResult {
  const seconds = sum(runs, (r) => r.seconds);
  const ok = sum(runs, (r) => r.ok);
  const statusCodes: Record<string, number> = {};
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  return {
    seconds,
    ok,
    okPerSecond: seconds > 0 ? ok / seconds : 0,
    errors: sum(runs, (r) => r.errors),
    non2xx: sum(runs, (r) => r.non2xx),
    statusCodes,
    p50: ok > 0 ? sum(runs, (r) => r.p50 * r.ok) / ok : 0,
    p99: Math.max(0, ...runs.map((r) => r.p99)),
    acked: runs.flatMap((r) => r.acked),
    firstRefusal: runs.find((r) => r.firstRefusal !== null)?.firstRefusal ?? null,
  };
}

function sumCpu(cpus: readonly CpuUsed[]): CpuUsed {
  return {
    tmon: sum(cpus, (c) => c.tmon),
    tmonMainThread: sum(cpus, (c) => c.tmonMainThread),
    postgres: sum(cpus, (c) => c.postgres),
    loadGenerator: sum(cpus, (c) => c.loadGenerator),
  };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}
