/** tmon restore FILE --data DIR: a `tmon backup` file becomes the database of an empty data directory. */
import path from 'node:path';
import { RestoreRefused, restoreSqliteBackup } from '../store/sqlite/restore-backup.js';
import { CommandFailed, output, parse, requireString, UsageError } from './args.js';

export const RESTORE_USAGE = `tmon restore FILE --data DIR [--json]
    checks FILE is an intact tmon database and makes it DIR's (DIR must be empty or missing)`;

export async function restoreCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {});
  if (positionals.length !== 1) throw new UsageError('give one FILE, made by tmon backup');
  // no default directory here: restoring must name where, so it never lands in ./data by accident
  const dataDir = path.resolve(requireString(values.data, 'data'));
  const backupFile = path.resolve(positionals[0]!);
  let restored: Awaited<ReturnType<typeof restoreSqliteBackup>>;
  try {
    restored = await restoreSqliteBackup(backupFile, dataDir);
  } catch (error) {
    if (error instanceof RestoreRefused) throw new CommandFailed(error.message);
    throw error;
  }
  output(
    values.json,
    { file: restored.file, schemaVersion: restored.schemaVersion },
    () =>
      `restored ${backupFile} to ${restored.file} (schema version ${restored.schemaVersion}); ` +
      `start it with: tmon serve --data ${dataDir}`,
  );
}
