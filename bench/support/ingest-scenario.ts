/**
 * One scenario of bench:ingest on SQLite: the bodies, a warm-up of each
 * server, then the two timed runs in alternating slices (alternate.ts), with
 * autocannon or wrk putting on the load.
 */
import { type ContenderResult, runAlternating } from './alternate.js';
import { BodySource, type Scenario } from './bodies.js';
import type { IngestRow } from './ingest-results.js';
import { type LoadResult, runLoad } from './load.js';
import type { ServerProcess } from './processes.js';
import { runWrk, type WrkBodies, writeWrkBodies } from './wrk.js';

/** sent_at must stay within 300 s of the server's clock: pre-built v2 bodies are only used in shorter runs. */
const MAX_PREBUILT_AGE_S = 240;
/** distinct bodies the bare server is sent, cycled */
const BARE_BODIES = 2_000;

export interface ScenarioSettings {
  warmup: number;
  duration: number;
  slices: number;
  connections: number;
  rate?: number;
  poolMb: number;
  /** where wrk's body files go; null: autocannon */
  wrkDir: string | null;
  withPostgres: boolean;
}

export interface ScenarioOutcome {
  row: IngestRow;
  /** request numbers answered 200 (autocannon), or sent (wrk: which were answered is not known) */
  acked: number[];
  /** with wrk: events sent whose answer may have been cut off when a run ended (at most a request per connection and run) */
  inFlightBound: number;
  /** tmon's errors and non-2xx answers, warm-up included */
  errors: number;
}

export async function runScenario(
  scenario: Scenario,
  buildMicros: number,
  servers: { bare: ServerProcess; tmon: ServerProcess },
  settings: ScenarioSettings,
): Promise<ScenarioOutcome> {
  const { bare, tmon } = servers;
  const { wrkDir } = settings;
  const autocannonLoad = (port: number, source: BodySource) => (seconds: number) =>
    runLoad({ port, source, duration: seconds, connections: settings.connections, rate: settings.rate });
  const wrkLoad = (port: number, bodies: WrkBodies) => (seconds: number) =>
    runWrk({ port, bodies, contentType: scenario.contentType, connections: settings.connections, seconds });

  // the bare server checks nothing: a cycled pool of distinct bodies costs the client the same per request
  const bareSource = new BodySource(scenario, 0, true);
  bareSource.prebuild(BARE_BODIES);
  const bareLoad = wrkDir
    ? wrkLoad(bare.port, writeWrkBodies(wrkDir, `bare-${scenario.key}`, bareSource, BARE_BODIES, true))
    : autocannonLoad(bare.port, bareSource);
  const bareWarm = await bareLoad(settings.warmup);

  // tmon: unique bodies; as many pre-built as the bare rate could use, within the memory budget
  const source = new BodySource(scenario, 1);
  const poolSize = poolSizeFor(scenario, bareWarm, settings);
  if (wrkDir && poolSize === 0) {
    throw new Error(`--load wrk needs pre-built bodies: v2 bodies go stale in runs over ${MAX_PREBUILT_AGE_S} s`);
  }
  const poolSeconds = source.prebuild(poolSize);
  const tmonBodies = wrkDir ? writeWrkBodies(wrkDir, `tmon-${scenario.key}`, source, poolSize, false) : null;
  const tmonLoad = tmonBodies ? wrkLoad(tmon.port, tmonBodies) : autocannonLoad(tmon.port, source);
  const warm = await tmonLoad(settings.warmup);

  // both timed runs in alternating slices: a drift of the machine's speed hits both alike
  const [bareResult, tmonResult] = await runAlternating(
    [
      { pids: [bare.pid], run: bareLoad },
      { pids: [tmon.pid], run: tmonLoad },
    ],
    { seconds: settings.duration, slices: settings.slices, withPostgres: settings.withPostgres },
  );
  const { run: bareRun, cpu: bareCpu, slices: bareSlices } = bareResult as ContenderResult;
  const { run: tmonRun, cpu: tmonCpu, slices: tmonSlices } = tmonResult as ContenderResult;
  const pool = { size: poolSize, seconds: poolSeconds, onDemand: source.builtOnDemand };
  // each tmon slice against the bare slice just before it
  const sliceRatios = tmonSlices.map((slice, i) => slice.okPerSecond / (bareSlices[i]?.okPerSecond ?? Number.NaN));
  const row: IngestRow = { scenario, buildMicros, bare: bareRun, bareCpu, tmon: tmonRun, pool, tmonCpu, sliceRatios };
  const errors = warm.errors + warm.non2xx + tmonRun.errors + tmonRun.non2xx;
  if (tmonBodies) {
    // wrk does not say which requests were answered: every event sent is looked for
    const acked = Array.from({ length: tmonBodies.offset }, (_, k) => tmonBodies.firstN + k);
    const runs = 1 + settings.slices;
    return { row, acked, inFlightBound: runs * settings.connections * scenario.eventsPerRequest, errors };
  }
  return { row, acked: [...warm.acked, ...tmonRun.acked], inFlightBound: 0, errors };
}

/** As many bodies pre-built as the bare rate could use, within the memory budget (none for v2 in long runs). */
export function poolSizeFor(scenario: Scenario, bareRun: LoadResult, settings: ScenarioSettings): number {
  const runSeconds = settings.warmup + settings.duration;
  // the last pre-built body is sent after the warm-up and both servers' timed slices
  const ageSeconds = settings.warmup + 2 * settings.duration;
  const bodyBytes = scenario.body(0).length * 2 + 64;
  const wanted = Math.ceil(bareRun.okPerSecond * runSeconds * 1.2) + settings.connections * 2;
  const affordable = Math.floor((settings.poolMb * 1024 * 1024) / bodyBytes);
  return ageSeconds > MAX_PREBUILT_AGE_S && scenario.key !== 'gen1' && scenario.key !== 'gen2'
    ? 0
    : Math.min(wanted, affordable);
}
