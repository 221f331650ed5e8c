/** tmon for the benchmarks: the real server in its own process, and the CLI to give it a user, service and token. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, runTmonCli, type ServerProcess, spawnServer } from './processes.js';

export interface BenchService {
  id: number;
  name: string;
  secret: string;
}

export interface StartTmonOptions {
  dataDir: string;
  /** write a V8 CPU profile of the server into this directory when it stops */
  cpuProfDir?: string;
  /** the admin password for a first start (a random one otherwise) */
  adminPassword?: string;
  /** `TMON_DATABASE_URL`: PostgreSQL instead of the SQLite store in the data directory */
  databaseUrl?: string;
  /** run it on this core only (see cores.ts) */
  core?: number | null;
  /** more `TMON_*` settings (e.g. a stream cap raised for the benchmark) */
  env?: Record<string, string>;
}

/**
 * The Node options `npm start` gives the server (`node <options> dist/src/main.js serve`
 * in package.json), so the benchmarks measure what it runs.
 */
export function startScriptNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  const script = words.indexOf('dist/src/main.js');
  if (words[0] !== 'node' || script < 1) throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return words.slice(1, script);
}

/** For the benchmarks' output: how the server's Node runs (NODE_OPTIONS reaches it too: spawnServer passes the environment on). */
export function describeNodeOptions(): string {
  const options = startScriptNodeOptions();
  const asStart =
    options.length === 0 ? 'node without options, as npm start' : `node ${options.join(' ')}, as npm start`;
  const fromEnvironment = process.env.NODE_OPTIONS?.trim();
  return fromEnvironment ? `${asStart}; NODE_OPTIONS=${fromEnvironment}` : asStart;
}

/** For the benchmarks' output: what tmon said about its storage when it started ("data in …, SQLite writer on …"). */
export function describeStorage(tmon: ServerProcess): string {
  return /\((?:testing|staging|production), (.*)\)$/.exec(tmon.readyLine)?.[1] ?? tmon.readyLine;
}

/** `tmon serve --port 0` on the data dir, quiet (TMON_LOG_LEVEL=warn); resolves once it listens. */
export function startTmon(options: StartTmonOptions): Promise<ServerProcess> {
  const profile = options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : [];
  return spawnServer({
    name: 'tmon',
    // the build, as `npm start` runs it (the bench scripts build it first): no TypeScript loader in the measurements
    args: [
      ...startScriptNodeOptions(),
      ...profile,
      'dist/src/main.js',
      'serve',
      '--port',
      '0',
      '--data',
      options.dataDir,
    ],
    env: {
      TMON_LOG_LEVEL: 'warn',
      TMON_ADMIN_PASSWORD: options.adminPassword ?? randomBytes(12).toString('hex'),
      ...databaseEnv(options.databaseUrl),
      ...options.env,
    },
    ready: /tmon listening on http:\/\/[^:\s]+:(\d+)/,
    timeoutMs: 60_000,
    core: options.core,
  });
}

function databaseEnv(databaseUrl: string | undefined): Record<string, string> {
  return databaseUrl === undefined ? {} : { TMON_DATABASE_URL: databaseUrl };
}

/** `tmon service add NAME --owner OWNER --json` (on PostgreSQL when `databaseUrl` is given). */
export async function addService(
  dataDir: string,
  name: string,
  owner = 'admin',
  databaseUrl?: string,
): Promise<BenchService> {
  const out = await runTmonCli(
    ['service', 'add', name, '--owner', owner, '--json', '--data', dataDir],
    databaseEnv(databaseUrl),
  );
  const parsed = JSON.parse(out) as BenchService;
  if (!Number.isInteger(parsed.id) || typeof parsed.secret !== 'string') {
    throw new Error(`unexpected output of tmon service add: ${out}`);
  }
  return { id: parsed.id, name: parsed.name, secret: parsed.secret };
}

/** `tmon token add --user USER`: a bearer token for the query API and /metrics. */
export async function addToken(dataDir: string, user = 'admin', databaseUrl?: string): Promise<string> {
  const token = await runTmonCli(
    ['token', 'add', '--user', user, '--label', 'bench', '--data', dataDir],
    databaseEnv(databaseUrl),
  );
  if (!/^\S+$/.test(token)) throw new Error(`unexpected output of tmon token add: ${token}`);
  return token;
}

/** `tmon user add NAME --password PW --admin` (for a store seeded before the server first starts). */
export async function addAdmin(dataDir: string, name: string, password: string): Promise<void> {
  await runTmonCli(['user', 'add', name, '--password', password, '--admin', '--data', dataDir]);
}
