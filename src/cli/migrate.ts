/** tmon migrate: bring the configured database (SQLite in --data, or TMON_DATABASE_URL) to the current schema. */
import { output, parse } from './args.js';
import { withStore } from './context.js';

export const MIGRATE_USAGE = `tmon migrate [--data DIR] [--json]
    applies every pending schema migration (tmon serve does too, on start)`;

export async function migrateCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, {});
  // withStore migrates before it hands over the store: nothing else to do but say where
  await withStore(values.data, async ({ config }) => {
    const where = config.databaseUrl ? 'PostgreSQL (TMON_DATABASE_URL)' : `${config.dataDir}/tmon.sqlite`;
    output(
      values.json,
      { migrated: true, database: config.databaseUrl ? 'postgres' : 'sqlite' },
      () => `${where}: schema is current`,
    );
  });
}
