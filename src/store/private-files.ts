/**
 * The data directory holds every service's secret, session and token hash:
 * only tmon's own user may read it. tmon makes the directory 0700 and its
 * database files 0600 when it creates them, and reports the ones it finds
 * open to others (it does not change them: an operator may share a directory
 * with a backup group on purpose).
 */
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** permission bits of group and others */
const SHARED_BITS = 0o077;

/** The directory, and any missing parent, made 0700; an existing one is left as it is. */
export function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
}

/**
 * The file created empty with mode 0600 when missing, before SQLite opens it.
 * SQLite creates a database's -wal, -shm and -journal files with the
 * database file's own mode (os_unix.c, findCreateFileMode), so they are 0600
 * too; left to SQLite, the database is 0644 under the usual umask. An empty
 * file is a valid empty database.
 */
export function ensurePrivateFile(file: string): void {
  // 'a' creates the file when missing and leaves an existing one, and its mode, untouched
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
}

export interface ExposedPath {
  path: string;
  /** the permission bits, e.g. 0o644 */
  mode: number;
}

/** Of the directory and the named files in it that exist, those that group or others may access. */
export function exposedPaths(dir: string, fileNames: readonly string[]): ExposedPath[] {
  const exposed: ExposedPath[] = [];
  for (const candidate of [dir, ...fileNames.map((name) => path.join(dir, name))]) {
    const mode = permissionBits(candidate);
    if (mode !== null && (mode & SHARED_BITS) !== 0) exposed.push({ path: candidate, mode });
  }
  return exposed;
}

/** What to tell the operator about paths others may read, and how to close them; null when there are none. */
export function exposureWarning(exposed: readonly ExposedPath[]): string | null {
  if (exposed.length === 0) return null;
  const listed = exposed.map((p) => `${p.path} (${p.mode.toString(8).padStart(4, '0')})`).join(', ');
  return (
    `the data holds every service's secret, yet group or others may access ${listed}: ` +
    'chmod 700 the data directory and 600 the files in it, unless that access is meant'
  );
}

function permissionBits(file: string): number | null {
  try {
    return statSync(file).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null; // not made yet (a -wal before the first write)
    throw error;
  }
}
