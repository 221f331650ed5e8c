/**
 * Backups of a PostgreSQL install are PostgreSQL's own: pg_dump takes a
 * consistent snapshot (one repeatable-read transaction) while tmon goes on
 * writing, and pg_restore puts it back. tmon only builds the command from
 * TMON_DATABASE_URL and runs it when pg_dump is installed.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { ensurePrivateFile } from '../private-files.js';
import { resolveUrl } from './database.js';

export interface PgDumpCommand {
  outFile: string;
  args: string[];
  /** the password, passed as PGPASSWORD so that it is not on a command line others can see (ps) */
  env: Record<string, string>;
  /** the command for a human to read and copy: the password left out */
  shown: string;
}

/** `pg_dump --format=custom --file FILE [--schema S] URL` for tmon's database URL (its `?schema=` made a flag). */
export function pgDumpCommand(databaseUrl: string, outFile: string): PgDumpCommand {
  const { url, schema } = resolveUrl({ url: databaseUrl });
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const args = ['--format=custom', '--file', outFile, ...(schema ? ['--schema', schema] : []), parsed.toString()];
  const shown = ['pg_dump', ...args].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg}'`)).join(' ');
  return { outFile, args, env: password ? { PGPASSWORD: password } : {}, shown };
}

/** What to run to restore such a dump into an empty database (the schema comes from the dump). */
export function pgRestoreHint(outFile: string): string {
  return `pg_restore --dbname 'postgres://USER@HOST/EMPTY_DATABASE' ${outFile}`;
}

/** The path of `program` in one of PATH's directories, or null when it is not installed there. */
export function findOnPath(program: string, pathVariable = process.env.PATH ?? ''): string | null {
  for (const dir of pathVariable.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch (error) {
      // not here (ENOENT) or not executable (EACCES): look in the next directory
      if (!['ENOENT', 'EACCES', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }
  return null;
}

/** Runs pg_dump (found at `program`), its messages going to this process's stderr; answers its exit code. */
export function runPgDump(program: string, command: PgDumpCommand): Promise<number> {
  // the dump holds every service's secret: 0600 before pg_dump writes to it (it keeps an existing file's mode)
  ensurePrivateFile(command.outFile);
  return new Promise((resolve, reject) => {
    const child = spawn(program, command.args, {
      env: { ...process.env, ...command.env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
