/**
 * What a tmon knows of its database's schema version: the migrations it
 * has not applied yet, and a database written by a newer tmon, which it must
 * not touch (its code would misread tables it does not know, and migrating
 * "up" could not go back down).
 */
import type { Migration } from './migrations/sqlite/index.js';
import type { PendingMigration } from './store.js';

export type { PendingMigration } from './store.js';

export class NewerSchemaError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `the database was written by a newer tmon (schema version ${databaseVersion}, ` +
        `this tmon knows up to ${knownVersion}): upgrade tmon, or restore a backup`,
    );
    this.name = 'NewerSchemaError';
  }
}

/** The highest version among `migrations` (0 for none). */
export function highestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((highest, m) => Math.max(highest, m.version), 0);
}

/** Throws NewerSchemaError when the database records a version above every migration this tmon has. */
export function refuseNewerSchema(recordedVersion: number | null, migrations: readonly Migration[]): void {
  const known = highestVersion(migrations);
  if (recordedVersion !== null && recordedVersion > known) throw new NewerSchemaError(recordedVersion, known);
}

/** The migrations whose version is not among `applied`, in order. */
export function pendingOf(migrations: readonly Migration[], applied: ReadonlySet<number>): PendingMigration[] {
  return migrations.filter((m) => !applied.has(m.version)).map(({ version, name }) => ({ version, name }));
}
