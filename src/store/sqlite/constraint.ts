import Database from 'better-sqlite3';

/** True when `error` is SQLite refusing a duplicate on `table.column` (UNIQUE or PRIMARY KEY). */
export function isUniqueViolation(error: unknown, table: string, column: string): boolean {
  return (
    error instanceof Database.SqliteError &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') &&
    error.message.includes(`${table}.${column}`)
  );
}

export function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
