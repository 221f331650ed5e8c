import type { Store } from '../store.js';
import { PostgresAccounts } from './accounts.js';
import { PostgresChurnVacuum } from './churn-vacuum.js';
import { inTransaction, openPool, type PostgresOpenOptions, resolveUrl } from './database.js';
import { PostgresEventsWriter } from './events-writer.js';
import { PostgresMaintenance } from './maintenance.js';
import { migratePostgres, pendingPostgresMigrations } from './migrate.js';
import { PostgresQueries } from './queries.js';
import { PostgresRollupFolder } from './rollup-folder.js';
import { PostgresRollupWriter } from './rollup-writer.js';
import { PostgresServices } from './services.js';
import { PostgresWindows } from './windows.js';

export type { PostgresOpenOptions } from './database.js';

/** Group commits one process runs at once (of its 10 pooled connections). */
export const POSTGRES_WRITE_CONCURRENCY = 4;

/**
 * The PostgreSQL store (TMON_DATABASE_URL=postgres://…): the same interface
 * and behaviour as the SQLite store, for any number of tmon processes sharing
 * one database. Nothing one process needs is kept in another's memory: replay
 * and idempotency checks are unique constraints, rollup counts are queued in
 * the transaction that stores their events and folded by any process
 * (rollup-folder.ts), and the sliding windows are moved by
 * whichever process comes first (windows.ts explains why the counts stay
 * exact). The in-memory caches (window state seen, cities already recorded)
 * are lower bounds of what the database holds, so they can only save work.
 */
export async function openPostgresStore(options: PostgresOpenOptions): Promise<Store> {
  const reportBackgroundError = options.onBackgroundError ?? ((error: unknown) => console.error('tmon:', error));
  const pool = openPool({ ...options, onBackgroundError: reportBackgroundError });
  const { schema } = resolveUrl(options);
  const accounts = new PostgresAccounts(pool);
  const services = new PostgresServices(pool);
  const windows = new PostgresWindows(pool);
  const writer = new PostgresEventsWriter(pool, windows);
  const folder = new PostgresRollupFolder(
    pool,
    windows,
    new PostgresRollupWriter(),
    reportBackgroundError,
    options.foldDelayMs,
  );
  const queries = new PostgresQueries(pool);
  const maintenance = new PostgresMaintenance(pool, windows);
  /** started once the schema is there: before, its tables may not exist */
  let vacuum: PostgresChurnVacuum | null = null;
  let closed = false;

  // a caller that forgets migrate() still works: the first call brings the schema up to date
  let migrated: Promise<unknown> | null = null;
  const migrate = () => {
    migrated ??= migratePostgres(pool, Date.now(), schema).then(
      () => {
        if (!closed) vacuum ??= new PostgresChurnVacuum(pool, reportBackgroundError, options.churnVacuumMs);
      },
      (error: unknown) => {
        migrated = null;
        throw error;
      },
    );
    return migrated;
  };
  const ready = async <T>(body: () => Promise<T>): Promise<T> => {
    await migrate();
    return body();
  };

  const store: Store = {
    // commits overlap while each waits for its WAL flush; the rest of the pool stays for reads and folds
    writeConcurrency: POSTGRES_WRITE_CONCURRENCY,
    async migrate() {
      migrated = null; // run again on request: another process may have shipped nothing new, it is cheap
      await migrate();
    },
    // not ready(): that would apply them
    pendingMigrations: () => pendingPostgresMigrations(pool),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await vacuum?.close();
        if (migrated !== null) await folder.close();
      } catch (error) {
        // nothing is lost: the counts stay queued in the database for the next process's fold
        reportBackgroundError(error);
      } finally {
        await pool.end();
      }
    },

    createUser: (input) => ready(() => accounts.createUser(input)),
    findUserByName: (name) => ready(() => accounts.findUserByName(name)),
    findUserById: (id) => ready(() => accounts.findUserById(id)),
    listUsers: () => ready(() => accounts.listUsers()),
    countUsers: () => ready(() => accounts.countUsers()),
    setUserPassword: (userId, passwordHash) => ready(() => accounts.setUserPassword(userId, passwordHash)),
    setUserAdmin: (userId, admin) => ready(() => accounts.setUserAdmin(userId, admin)),
    removeUser: (userId) =>
      ready(() =>
        inTransaction(pool, async (client) => {
          // window rows go too: exclusive with writers and expiry, like removeService
          await windows.lockExclusive(client);
          await services.removeServicesOf(client, userId);
          await accounts.deleteUser(client, userId);
        }),
      ),

    createSession: (session) => ready(() => accounts.createSession(session)),
    findSession: (id, now) => ready(() => accounts.findSession(id, now)),
    deleteSession: (id) => ready(() => accounts.deleteSession(id)),
    deleteSessionsOfUser: (userId, exceptId) => ready(() => accounts.deleteSessionsOfUser(userId, exceptId)),
    deleteExpiredSessions: (now) => ready(() => accounts.deleteExpiredSessions(now)),

    createToken: (input) => ready(() => accounts.createToken(input)),
    findTokenByHash: (tokenHash, now) => ready(() => accounts.findTokenByHash(tokenHash, now)),
    findTokenById: (id) => ready(() => accounts.findTokenById(id)),
    listTokens: (userId) => ready(() => accounts.listTokens(userId)),
    deleteToken: (id) => ready(() => accounts.deleteToken(id)),
    touchToken: (id, now) => ready(() => accounts.touchToken(id, now)),
    listTokensWithHashes: () => ready(() => accounts.listTokensWithHashes()),

    createService: (input) => ready(() => services.createService(input)),
    findServiceById: (id) => ready(() => services.findServiceById(id)),
    findServiceByName: (name) => ready(() => services.findServiceByName(name)),
    listServices: () => ready(() => services.listServices()),
    listServicesForUser: (userId) => ready(() => services.listServicesForUser(userId)),
    canUserSeeService: (userId, serviceId) => ready(() => services.canUserSeeService(userId, serviceId)),
    rotateSecret: (serviceId, newSecret, previousValidUntil) =>
      ready(() => services.rotateSecret(serviceId, newSecret, previousValidUntil)),
    updateServiceSettings: (serviceId, settings) => ready(() => services.updateServiceSettings(serviceId, settings)),
    shareService: (serviceId, userId) => ready(() => services.shareService(serviceId, userId)),
    unshareService: (serviceId, userId) => ready(() => services.unshareService(serviceId, userId)),
    listShareUserIds: (serviceId) => ready(() => services.listShareUserIds(serviceId)),
    removeService: (serviceId) =>
      ready(() =>
        inTransaction(pool, async (client) => {
          // no writer or expiry holds rows of window_counts meanwhile: no lock-order cycle with them
          await windows.lockExclusive(client);
          await services.removeService(client, serviceId);
        }),
      ),

    writeEvents: (writes, now) =>
      writes.length === 0
        ? Promise.resolve([])
        : ready(async () => {
            const results = await writer.write(writes, now);
            folder.soon();
            return results;
          }),
    countEvents: (serviceId) => ready(() => queries.countEvents(serviceId)),

    topValues: (serviceId, dimension, window, limit, now) =>
      ready(async () => {
        await folder.foldNow();
        // a ranking read at `now` shows no bucket that left the window before `now`
        await windows.advance(now);
        return queries.topValues(serviceId, dimension, window, limit);
      }),
    requestSeries: (serviceId, resolution, limit, now) =>
      ready(async () => {
        await folder.foldNow();
        return queries.requestSeries(serviceId, resolution, limit, now);
      }),
    locations: (serviceId, box, window, limit, now) =>
      ready(() => queries.locations(serviceId, box, window, limit, now)),
    latestEvents: (serviceId, limit) => ready(() => queries.latestEvents(serviceId, limit)),
    eventsAfterSeq: (serviceId, afterSeq, limit) => ready(() => queries.eventsAfterSeq(serviceId, afterSeq, limit)),

    advanceWindows: (now) => ready(() => windows.advance(now)),
    deleteEventsBefore: (before, maxRows) =>
      ready(async () => {
        await folder.foldNow(); // the queue names events by seq: count them before they go
        return maintenance.deleteEventsBefore(before, maxRows);
      }),
    pruneRollups: (now, maxRows) =>
      ready(async () => {
        await folder.foldNow(); // queued counts of old buckets are pruned with the rest, not added after
        return maintenance.pruneRollups(now, maxRows);
      }),
  };
  return store;
}
