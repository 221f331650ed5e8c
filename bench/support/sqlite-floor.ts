/** Runs bench/sqlite-floor.ts (SQLite's insert alone) on the servers' core and reads its figures. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { pinnedCommand } from './cores.js';
import { REPO_ROOT } from './processes.js';

export interface SqliteFloor {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  cpuMicrosPerRow: number;
}

const execFileAsync = promisify(execFile);

export async function measureSqliteFloor(core: number | null, seconds: number): Promise<SqliteFloor> {
  const [command, args] = pinnedCommand(core, [
    '--import',
    'tsx',
    path.join(REPO_ROOT, 'bench/sqlite-floor.ts'),
    '--seconds',
    String(seconds),
  ]);
  const { stdout } = await execFileAsync(command, args, { cwd: REPO_ROOT });
  const floor = JSON.parse(stdout.trim().split('\n').at(-1) as string) as SqliteFloor;
  if (!(floor.rows > 0)) throw new Error(`bench/sqlite-floor.ts stored no rows: ${stdout}`);
  return floor;
}
