/**
 * The ways `tmon serve` commonly fails to start, each told in one line that
 * says what is wrong and what to do: an operator reads the first line of a
 * journal, not a stack trace. Anything not named here keeps its stack (run.ts).
 */
import { DataDirectoryBusyError } from '../store/sqlite/writer-lock.js';

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** the errors that mean "this user may not write there" (a read-only mount included) */
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'SQLITE_READONLY', 'SQLITE_CANTOPEN']);

/** Opening the SQLite data directory failed: the line to print, or null for an error not described here. */
export function describeDataDirectoryError(error: unknown, dataDir: string): string | null {
  // the store's writer thread sends its errors back as plain Errors that keep their name (worker-store.ts)
  // its message already says what is wrong and what to do, in the words tmon import uses too
  if (error instanceof DataDirectoryBusyError || (error as Error | null)?.name === 'DataDirectoryBusyError') {
    return (error as Error).message;
  }
  const code = codeOf(error);
  if (code !== undefined && NOT_WRITABLE.has(code)) {
    return (
      `cannot write to the data directory ${dataDir} (${code}): make it writable by the user tmon runs as, ` +
      'or choose another with --data or TMON_DATA_DIR'
    );
  }
  return null;
}

/** Listening failed: the line to print, or null for an error not described here. */
export function describeListenError(error: unknown, host: string, port: number): string | null {
  switch (codeOf(error)) {
    case 'EADDRINUSE':
      return (
        `port ${port} on ${host} is already in use (another tmon, or another program): ` +
        'stop it, or choose another port with --port or TMON_PORT'
      );
    case 'EACCES':
      return (
        `not allowed to listen on port ${port} (ports below 1024 need privileges): ` +
        'choose a port from 1024 up with --port or TMON_PORT, and put a proxy in front (docs/deployment.md)'
      );
    case 'EADDRNOTAVAIL':
      return (
        `cannot listen on ${host}: it is not an address of this machine; ` +
        'set --host or TMON_HOST to one of its addresses, or 0.0.0.0 for all of them'
      );
    default:
      return null;
  }
}
