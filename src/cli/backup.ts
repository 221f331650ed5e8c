/**
 * tmon backup --out FILE: a consistent copy of the database while the server
 * runs. SQLite: the online backup API, from this process, beside the server
 * (online-backup.ts). PostgreSQL: pg_dump, run when installed, else the
 * command to run.
 */
import path from 'node:path';
import { loadProcessConfig } from '../config.js';
import { findOnPath, pgDumpCommand, pgRestoreHint, runPgDump } from '../store/postgres/pg-dump.js';
import { type BackupProgress, backupSqliteDatabase, NoDatabaseError } from '../store/sqlite/online-backup.js';
import { CommandFailed, output, parse, requireString, UsageError } from './args.js';

export const BACKUP_USAGE = `tmon backup --out FILE [--data DIR] [--json]
    copies the database to FILE (0600) while tmon serve goes on; restore it with tmon restore
    (PostgreSQL, TMON_DATABASE_URL: runs pg_dump --format=custom when installed, else prints how)`;

export async function backupCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { out: { type: 'string' } });
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}" (the file goes after --out)`);
  const outFile = path.resolve(requireString(values.out, 'out'));
  const config = loadProcessConfig({ data: values.data });
  if (config.databaseUrl !== null) {
    await backupPostgres(config.databaseUrl, outFile, values.json);
    return;
  }
  const started = Date.now();
  let result: Awaited<ReturnType<typeof backupSqliteDatabase>>;
  try {
    result = await backupSqliteDatabase(config.dataDir, outFile, showProgress);
  } catch (error) {
    if (error instanceof NoDatabaseError) throw new CommandFailed(error.message);
    throw error;
  }
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(`\rbacking up: 100% of ${result.pages} pages\n`);
  output(
    values.json,
    { file: result.file, bytes: result.bytes, pages: result.pages, restarts: result.restarts, seconds },
    () =>
      `backed up ${path.join(config.dataDir, 'tmon.sqlite')} to ${result.file} ` +
      `(${(result.bytes / 1024 / 1024).toFixed(1)} MB in ${seconds.toFixed(1)} s); ` +
      `restore with: tmon restore ${result.file} --data NEW_DIR`,
  );
}

function showProgress({ copiedPages, totalPages, restarts }: BackupProgress): void {
  const percent = totalPages === 0 ? 100 : Math.floor((copiedPages / totalPages) * 100);
  const again = restarts > 0 ? ` (the database changed: started over ${restarts}× with larger steps)` : '';
  process.stderr.write(`\rbacking up: ${percent}% of ${totalPages} pages${again}`);
}

async function backupPostgres(databaseUrl: string, outFile: string, json: boolean | undefined): Promise<void> {
  const command = pgDumpCommand(databaseUrl, outFile);
  const restore = pgRestoreHint(outFile);
  const program = findOnPath('pg_dump');
  if (program === null) {
    // the password is never printed: only that one is needed
    const password = command.env.PGPASSWORD === undefined ? '' : 'PGPASSWORD=… ';
    throw new CommandFailed(
      `the database is PostgreSQL (TMON_DATABASE_URL) and pg_dump is not installed: install it ` +
        `(Debian: apt install postgresql-client), then run: ${password}${command.shown}; restore with: ${restore}`,
    );
  }
  process.stderr.write(`the database is PostgreSQL: running ${command.shown}\n`);
  const exitCode = await runPgDump(program, command);
  if (exitCode !== 0) throw new CommandFailed(`pg_dump failed (exit code ${exitCode}); its messages are above`);
  output(
    json,
    { file: outFile, tool: 'pg_dump' },
    () => `backed up to ${outFile} with pg_dump; restore with: ${restore}`,
  );
}
