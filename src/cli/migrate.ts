/** tmon migrate: bring the configured database (SQLite in --data, or TMON_DATABASE_URL) to the current schema. */
import { loadProcessConfig } from '../config.js';
import { openStore } from '../store/open-store.js';
import { output, parse } from './args.js';
import { withStore } from './context.js';

export const MIGRATE_USAGE = `tmon migrate [--dry-run] [--data DIR] [--json]
    applies every pending schema migration (tmon serve does too, on start);
    --dry-run lists them (version and name) and applies nothing`;

export async function migrateCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, { 'dry-run': { type: 'boolean' } });
  if (values['dry-run']) {
    await listPendingMigrations(values.data, values.json);
    return;
  }
  // withStore migrates before it hands over the store: nothing else to do but say where
  await withStore(values.data, async ({ config }) => {
    output(
      values.json,
      { migrated: true, database: config.databaseUrl ? 'postgres' : 'sqlite' },
      () => `${describeDatabase(config)}: schema is current`,
    );
  });
}

async function listPendingMigrations(dataFlag: string | undefined, json: boolean | undefined): Promise<void> {
  const config = loadProcessConfig({ data: dataFlag });
  // opened without withStore, which would migrate
  const store = await openStore(config);
  try {
    const pending = await store.pendingMigrations();
    output(json, { database: config.databaseUrl ? 'postgres' : 'sqlite', pending }, () =>
      pending.length === 0
        ? `${describeDatabase(config)}: schema is current, no migration pending`
        : [
            `${describeDatabase(config)}: ${pending.length} migration${pending.length === 1 ? '' : 's'} pending (not applied; tmon migrate applies them):`,
            ...pending.map((m) => `  ${m.version}  ${m.name}`),
          ].join('\n'),
    );
  } finally {
    await store.close();
  }
}

function describeDatabase(config: { databaseUrl: string | null; dataDir: string }): string {
  return config.databaseUrl ? 'PostgreSQL (TMON_DATABASE_URL)' : `${config.dataDir}/tmon.sqlite`;
}
