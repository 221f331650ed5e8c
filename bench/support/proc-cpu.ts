/**
 * CPU time used by processes during a run, from /proc/<pid>/stat (utime +
 * stime, all threads): tmon's process(es), the PostgreSQL server (the
 * postmaster and every backend: processes whose command is `postgres`) and
 * the load generator (this process).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime; 100 on Linux everywhere that matters */
const TICKS_PER_SECOND = 100;

/**
 * comm and utime+stime (seconds) of one process (all its threads), or of one
 * of its threads with `tid` (the main thread's tid is the pid); null when it
 * is gone.
 */
function readStat(pid: number, tid?: number): { comm: string; seconds: number } | null {
  let text: string;
  try {
    text = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces, the fields after its ")" are fixed
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { comm: text.slice(open + 1, close), seconds: ticks / TICKS_PER_SECOND };
}

/** CPU seconds a process (all its threads) has used so far; 0 once it is gone. */
export function processCpuSeconds(pid: number): number {
  return readStat(pid)?.seconds ?? 0;
}

/** CPU seconds each thread of a process has used so far, by thread id (the main thread's is the pid). */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out; // the process is gone: it has no threads to count
  }
  for (const tid of tids) {
    const stat = readStat(pid, Number(tid));
    if (stat !== null) out.set(Number(tid), stat.seconds);
  }
  return out;
}

/** CPU seconds of a process's threads since `before` (threadCpuSeconds): the main one, the busiest other one, and the rest. */
export function threadsUsed(pid: number, before: Map<number, number>) {
  const used = [...threadCpuSeconds(pid)].map(([tid, seconds]) => ({ tid, seconds: seconds - (before.get(tid) ?? 0) }));
  const main = used.find((thread) => thread.tid === pid)?.seconds ?? 0;
  const others = used.filter((thread) => thread.tid !== pid).sort((a, b) => b.seconds - a.seconds);
  const busiestOther = others[0]?.seconds ?? 0;
  const rest = others.slice(1).reduce((sum, thread) => sum + thread.seconds, 0);
  return { main, busiestOther, rest, others: Math.max(0, others.length - 1) };
}

/** The pids of the PostgreSQL server processes on this machine (comm `postgres`). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (readStat(Number(entry))?.comm === 'postgres') pids.push(Number(entry));
  }
  return pids;
}

export interface CpuSnapshot {
  tmon: Map<number, number>;
  /** the main thread of each tmon process alone: the one that answers HTTP */
  tmonMainThread: Map<number, number>;
  postgres: Map<number, number>;
  loadGenerator: number;
}

export interface CpuUsed {
  /** seconds of CPU used by the tmon process(es) */
  tmon: number;
  /** …of which by their main threads (HTTP, the pipeline; not the SQLite writer, checkpointer or GC threads) */
  tmonMainThread: number;
  /** seconds used by all PostgreSQL server processes (backends that exited during the run are not counted) */
  postgres: number;
  /** seconds used by the benchmark process itself (autocannon and body building) */
  loadGenerator: number;
}

function secondsOf(pids: readonly number[], mainThreadOnly = false): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const stat = readStat(pid, mainThreadOnly ? pid : undefined);
    if (stat !== null) out.set(pid, stat.seconds);
  }
  return out;
}

export function cpuSnapshot(tmonPids: readonly number[], withPostgres: boolean): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    tmon: secondsOf(tmonPids),
    tmonMainThread: secondsOf(tmonPids, true),
    postgres: withPostgres ? secondsOf(postgresPids()) : new Map(),
    loadGenerator: (usage.user + usage.system) / 1e6,
  };
}

/** CPU used between `before` and now: processes that started in between count from 0. */
export function cpuSince(before: CpuSnapshot): CpuUsed {
  const after = cpuSnapshot([...before.tmon.keys()], before.postgres.size > 0);
  const delta = (was: Map<number, number>, now: Map<number, number>) => {
    let sum = 0;
    for (const [pid, seconds] of now) sum += seconds - (was.get(pid) ?? 0);
    return sum;
  };
  return {
    tmon: delta(before.tmon, after.tmon),
    tmonMainThread: delta(before.tmonMainThread, after.tmonMainThread),
    postgres: delta(before.postgres, after.postgres),
    loadGenerator: after.loadGenerator - before.loadGenerator,
  };
}
