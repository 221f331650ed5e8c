/**
 * bench:ingest's results: the table of figures per scenario and the targets
 * of bench/README.md judged on them.
 */
import type { LoadResult } from './load.js';
import type { PostgresComparison } from './postgres-side.js';
import type { CpuUsed } from './proc-cpu.js';
import { fixed, int, type Target, table } from './report.js';
import type { ServerCounters } from './server-counters.js';
import type { SqliteFloor } from './sqlite-floor.js';
import type { StoreCheck } from './verify-store.js';

const SINGLE_RATIO_TARGET = 0.5;
/** below this share of its core the bare server was waiting for the load generator, not at its limit */
const BARE_BUSY_ENOUGH = 0.9;
const BATCH_EVENTS_TARGET = 100_000;

/** A scenario's figures: the bare baseline, tmon on SQLite (and, with --store postgres, on PostgreSQL). */
export interface IngestRow extends PostgresComparison {
  buildMicros: number;
  bare: LoadResult;
  bareCpu: CpuUsed;
  pool: { size: number; seconds: number; onDemand: number };
  /** tmon's rate over the bare server's, slice by slice */
  sliceRatios: number[];
  /** batches: SQLite's insert alone on the same core, measured right after */
  sqliteFloor?: SqliteFloor;
}

export function resultsTable(rows: readonly IngestRow[]): string {
  return table([
    [
      'scenario',
      'bare req/s',
      'tmon req/s',
      'ratio',
      'tmon events/s',
      'errors',
      'non-2xx',
      'p50 ms',
      'p99 ms',
      'bare p50/p99 ms',
      'CPU µs/req bare / tmon (HTTP thread)',
    ],
    ...rows.map(({ scenario, bare, bareCpu, tmon, tmonCpu }) => [
      scenario.label,
      int(bare.okPerSecond),
      int(tmon.okPerSecond),
      `${fixed((tmon.okPerSecond / bare.okPerSecond) * 100, 0)} %`,
      int(tmon.okPerSecond * scenario.eventsPerRequest),
      int(tmon.errors),
      int(tmon.non2xx),
      fixed(tmon.p50, 0),
      fixed(tmon.p99, 0),
      `${fixed(bare.p50, 0)} / ${fixed(bare.p99, 0)}`,
      `${fixed(cpuMicrosPerRequest(bareCpu.tmon, bare), 0)} / ${fixed(cpuMicrosPerRequest(tmonCpu.tmon, tmon), 0)} ` +
        `(${fixed(cpuMicrosPerRequest(tmonCpu.tmonMainThread, tmon), 0)})`,
    ]),
  ]);
}

/**
 * CPU seconds a server used (all its threads, or its main thread alone), per
 * answered request in µs: unlike req/s, this barely moves when the load
 * generator takes more or less of the cores. For the baseline, CpuUsed.tmon
 * holds the bare server's (the pids snapshotted).
 */
function cpuMicrosPerRequest(seconds: number, run: LoadResult): number {
  return (seconds * 1e6) / run.ok;
}

/**
 * A batch scenario's events against SQLite's insert alone: an absolute target
 * (events/s) moves with the machine's speed, and this says how far tmon is
 * from the floor that speed allows.
 */
export function sqliteFloorLine({ scenario, tmon, tmonCpu }: IngestRow, sqliteFloor: SqliteFloor): string {
  const tmonMicros = cpuMicrosPerRequest(tmonCpu.tmon, tmon) / scenario.eventsPerRequest;
  return (
    `SQLite's insert alone, same core, right after (bench/sqlite-floor.ts: tmon's schema and statement, no HTTP, ` +
    `decryption, enrichment or rollups): ${int(sqliteFloor.rowsPerSecond)} rows/s at ${fixed(sqliteFloor.cpuMicrosPerRow, 1)} µs of CPU each; ` +
    `tmon ${fixed(tmonMicros, 1)} µs per event, of which that insert alone would be ${fixed((sqliteFloor.cpuMicrosPerRow / tmonMicros) * 100, 0)} %`
  );
}

/**
 * Single events at ≥ 50 % of the bare server's rate. The rates compare the
 * servers only when the load generator keeps the bare one busy: when it could
 * not (the bare server used less than BARE_BUSY_ENOUGH of its core), its rate
 * is the load generator's, the req/s ratio flatters tmon, and the ratio of
 * CPU per answer — what each rate would be on a core of its own — decides.
 */
function singleEventTarget({ scenario, bare, bareCpu, tmon, tmonCpu }: IngestRow): Target {
  const name = `${scenario.label} ≥ ${SINGLE_RATIO_TARGET * 100} % of bare node:http`;
  const ratio = tmon.okPerSecond / bare.okPerSecond;
  const rates = `${fixed(ratio * 100, 0)} % (${int(tmon.okPerSecond)} / ${int(bare.okPerSecond)} req/s)`;
  const bareBusy = bareCpu.tmon / bare.seconds;
  if (bareBusy >= BARE_BUSY_ENOUGH) return { name, met: ratio >= SINGLE_RATIO_TARGET, detail: rates };
  const bareMicros = cpuMicrosPerRequest(bareCpu.tmon, bare);
  const tmonMicros = cpuMicrosPerRequest(tmonCpu.tmon, tmon);
  const cpuRatio = bareMicros / tmonMicros;
  return {
    name,
    met: cpuRatio >= SINGLE_RATIO_TARGET,
    detail:
      // one decimal: near the line, a rounded "50 %" could be either verdict
      `${fixed(cpuRatio * 100, 1)} % by CPU per answer (${fixed(bareMicros, 1)} / ${fixed(tmonMicros, 1)} µs): ` +
      `the bare server was busy ${fixed(bareBusy * 100, 0)} % of a core, held back by the load generator, ` +
      `so its rate (req/s ratio ${rates}) is not its ceiling`,
  };
}

export function ingestTargets(
  rows: readonly IngestRow[],
  /** at a steady --rate: both servers answer what they are sent, the throughput targets are not measured */
  steadyRate: boolean,
  tmonErrors: number,
  check: StoreCheck,
  metrics: ServerCounters,
  exitCode: number | null,
  /**
   * events of `check` that may be missing without fault: 0 when the check
   * holds the answered events; with wrk it holds every event sent, and those
   * still in flight when a run ended may have been cut off before tmon read them
   */
  inFlightBound: number,
): Target[] {
  const out: Target[] = [];
  for (const row of steadyRate ? [] : rows) {
    const { scenario, tmon } = row;
    if (scenario.eventsPerRequest === 1) {
      out.push(singleEventTarget(row));
    } else {
      const eventsPerSecond = tmon.okPerSecond * scenario.eventsPerRequest;
      out.push({
        name: `${scenario.label} ≥ ${int(BATCH_EVENTS_TARGET)} events/s`,
        met: eventsPerSecond >= BATCH_EVENTS_TARGET,
        detail:
          `${int(eventsPerSecond)} events/s` +
          (row.sqliteFloor === undefined
            ? ''
            : `; SQLite's insert alone on that core: ${int(row.sqliteFloor.rowsPerSecond)} rows/s`),
      });
    }
  }
  out.push({
    name: 'zero errors',
    met: tmonErrors === 0,
    detail: `${int(tmonErrors)} errors, timeouts or non-2xx answers from tmon (warm-ups included)`,
  });
  out.push({
    name: 'every acknowledged event stored',
    met: check.missing <= inFlightBound && metrics.accepted === check.stored && exitCode === 0,
    detail:
      (inFlightBound === 0
        ? `${int(check.missing)} of ${int(check.acknowledged)} acknowledged events missing; `
        : `${int(check.missing)} of ${int(check.acknowledged)} events sent missing (at most ${int(inFlightBound)} in flight at the end of a run may be); `) +
      `stored ${int(check.stored)} = accepted by tmon ${int(metrics.accepted)}: ${metrics.accepted === check.stored ? 'yes' : 'NO'}; clean exit: ${exitCode === 0 ? 'yes' : 'NO'}`,
  });
  return out;
}
