/**
 * GoAccess, the baseline of bench:logs: the widely used C log analyser,
 * reading the same file into a JSON report. Installed from Debian when it is
 * missing and the benchmark runs as root; otherwise the benchmark says how.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runTimed, type TimedRun } from './timed-command.js';

export interface GoaccessRun extends TimedRun {
  version: string;
  /** lines GoAccess counted as requests, and those it could not parse */
  validRequests: number;
  failedRequests: number;
}

function installedVersion(): string | null {
  try {
    return (
      /GoAccess - (\d+(?:\.\d+)*)/.exec(execFileSync('goaccess', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown'
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** GoAccess's version; installs it with apt-get first when it is missing and this process is root. */
export function ensureGoaccess(log: (line: string) => void): string {
  const version = installedVersion();
  if (version !== null) return version;
  if (process.getuid?.() !== 0) {
    throw new Error('GoAccess is not installed: run `sudo apt-get install -y goaccess`, then the benchmark again');
  }
  log('GoAccess is not installed: apt-get install -y goaccess');
  execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq goaccess'], { stdio: 'inherit' });
  const installed = installedVersion();
  if (installed === null) throw new Error('apt-get install goaccess ran, but goaccess is still not found');
  return installed;
}

/** `goaccess FILE --log-format=COMBINED -o report.json`, timed; its report must count every line. */
export async function runGoaccess(file: string, outDir: string, version: string): Promise<GoaccessRun> {
  const report = path.join(outDir, 'goaccess-report.json');
  // --no-global-config: a machine's /etc/goaccess settings (a geoip database, ignored panels) stay out of the figures
  const run = await runTimed('goaccess', [file, '--log-format=COMBINED', '--no-global-config', '-o', report]);
  if (run.code !== 0) throw new Error(`goaccess exited with ${run.code}:\n${run.stderr.slice(-2000)}`);
  const general = (
    JSON.parse(await readFile(report, 'utf8')) as { general?: { valid_requests?: number; failed_requests?: number } }
  ).general;
  if (typeof general?.valid_requests !== 'number') throw new Error(`no general.valid_requests in ${report}`);
  return {
    ...run,
    version,
    validRequests: general.valid_requests,
    failedRequests: general.failed_requests ?? 0,
  };
}
