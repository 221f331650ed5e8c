/**
 * Errors that mean the database or the bus (Redis) cannot be reached now —
 * refused, reset, timed out, shutting down, locked or full — as opposed to a
 * bug. The web answers them 503 with Retry-After, as collect answers a failed
 * commit, never 500: an outage is not a bug in the request. Only the store and the bus make network calls
 * on a request's path, so any network failure is one of theirs.
 */
import pg from 'pg';

/** node's codes for a connection that could not be made or broke */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is there but cannot serve now: class 08
 * (connection exception) by prefix, shutting down or starting (57P01-03),
 * too many connections (53300), out of memory or disk (53200, 53100), and a
 * statement ended by tmon's statement_timeout (57014: the database is stuck).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53200', '53100', '57014']);

/** better-sqlite3's codes for a database file another process holds, or that cannot be written */
const UNAVAILABLE_SQLITE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN)/;

/**
 * What pg and ioredis throw without a code for a connection that went away
 * or never came (their messages are all there is to go by; pinned by
 * test/scale/outages.test.ts through a real cut)
 */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/, // pg: the server or the network closed the socket
  /^timeout exceeded when trying to connect/, // pg-pool: connectionTimeoutMillis
  /^Query read timeout/, // pg: query_timeout
  /is not queryable/, // pg: a client whose connection already failed
  /^Connection is closed\.?$/, // ioredis
  /^Stream isn't writeable/, // ioredis without its offline queue
  /^Command timed out/, // ioredis: commandTimeout
  /^Reached the max retries per request limit/, // ioredis: MaxRetriesPerRequestError
];

/** True when `error`, or an error it wraps, says the database or the bus is out of reach. */
export function isBackendUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (error instanceof pg.DatabaseError && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code))) return true;
    if (error.name === 'SqliteError' && UNAVAILABLE_SQLITE.test(code)) return true;
  }
  if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  // a refused dual-stack connect is an AggregateError of the attempts; wrappers keep the original as cause
  const inner = error instanceof AggregateError ? error.errors : [];
  return [error.cause, ...inner].some((wrapped) => isBackendUnavailable(wrapped, depth + 1));
}
