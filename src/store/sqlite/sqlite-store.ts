import type { Resolution, Store } from '../store.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteAgentIds } from './agent-ids.js';
import { openSqliteDatabase, type SqliteDatabase, type SqliteOpenOptions } from './database.js';
import { SqliteEventsWriter } from './events-writer.js';
import { SqliteMaintenance } from './maintenance.js';
import { migrateSqlite, pendingSqliteMigrations } from './migrate.js';
import { type PackedSeries, unpackSeries } from './packed-series.js';
import { type CompactWriteResult, type PackedWrites, packWrites, unpackResults } from './packed-writes.js';
import { SqliteQueries } from './queries.js';
import { SqliteReplayClaims } from './replay-claims.js';
import { SqliteRollupBuffer } from './rollup-buffer.js';
import { SqliteRollupWriter } from './rollup-writer.js';
import { SqliteServices } from './services.js';
import { SqliteWindows } from './windows.js';
import { takeWriterLock, type WriterLock } from './writer-lock.js';

export type { SqliteOpenOptions } from './database.js';

/**
 * The SQLite store, plus the packed forms of two methods for the writer
 * thread's caller: writes it packed before the hop, and a series answered as
 * counts, rebuilt into points after it.
 */
export interface SqliteStore extends Store {
  writePackedEvents(packed: PackedWrites): Promise<CompactWriteResult[]>;
  requestSeriesPacked(serviceId: number, resolution: Resolution, limit: number, now: number): Promise<PackedSeries>;
}

/** The prepared parts of the store; they need the schema, so they exist once migrations ran. */
interface Parts {
  accounts: SqliteAccounts;
  services: SqliteServices;
  rollups: SqliteRollupBuffer;
  replayClaims: SqliteReplayClaims;
  writer: SqliteEventsWriter;
  queries: SqliteQueries;
  maintenance: SqliteMaintenance;
}

function prepareParts(db: SqliteDatabase): Parts {
  const rollups = new SqliteRollupBuffer(db, new SqliteWindows(db), new SqliteRollupWriter(db));
  const replayClaims = new SqliteReplayClaims(db);
  const agentIds = new SqliteAgentIds(db);
  return {
    accounts: new SqliteAccounts(db),
    services: new SqliteServices(db),
    rollups,
    replayClaims,
    writer: new SqliteEventsWriter(db, rollups, replayClaims, agentIds),
    queries: new SqliteQueries(db),
    maintenance: new SqliteMaintenance(db, rollups, replayClaims, agentIds),
  };
}

/**
 * The embedded store: `<dataDir>/tmon.sqlite`. better-sqlite3 is synchronous
 * and one statement takes micro- to milliseconds, so the methods run inline
 * and resolve at once; `writeEvents` resolves after its commit.
 *
 * One process writes events to a data directory at a time (other processes,
 * such as CLI commands, may manage users and services beside it): rollups
 * not yet applied live in that process's memory (see rollup-buffer.ts).
 */
export async function openSqliteStore(options: SqliteOpenOptions): Promise<SqliteStore> {
  const db = openSqliteDatabase(options);
  let writerLock: WriterLock | null = null;
  try {
    if (options.writesEvents) writerLock = takeWriterLock(options.dataDir);
  } catch (error) {
    db.close();
    throw error;
  }
  let parts: Parts | null = null;
  // statements are prepared once, after the schema exists; a caller that forgets migrate() still works
  const ready = (): Parts => {
    if (parts === null) {
      migrateSqlite(db, Date.now());
      parts = prepareParts(db);
    }
    return parts;
  };
  const inTransaction = <T>(fn: () => T): T => db.transaction(fn).immediate();
  /** The writer, once this process holds the data directory's writer lock. */
  const writer = (): SqliteEventsWriter => {
    const { writer } = ready();
    writerLock ??= takeWriterLock(options.dataDir);
    return writer;
  };

  const store: SqliteStore = {
    writeConcurrency: 1,
    async migrate() {
      migrateSqlite(db, Date.now());
      ready();
    },
    async pendingMigrations() {
      // not ready(): that would apply them
      return pendingSqliteMigrations(db);
    },
    async close() {
      if (!db.open) return;
      parts?.rollups.flushOnClose();
      db.close();
      writerLock?.release();
    },

    async createUser(input) {
      return ready().accounts.createUser(input);
    },
    async findUserByName(name) {
      return ready().accounts.findUserByName(name);
    },
    async findUserById(id) {
      return ready().accounts.findUserById(id);
    },
    async listUsers() {
      return ready().accounts.listUsers();
    },
    async countUsers() {
      return ready().accounts.countUsers();
    },
    async setUserPassword(userId, passwordHash) {
      ready().accounts.setUserPassword(userId, passwordHash);
    },
    async setUserAdmin(userId, admin) {
      ready().accounts.setUserAdmin(userId, admin);
    },
    async removeUser(userId) {
      const { accounts, services, rollups, replayClaims } = ready();
      const removed = inTransaction(() => {
        const ids = services.removeServicesOf(userId);
        accounts.deleteUser(userId);
        return ids;
      });
      for (const id of removed) {
        rollups.forgetService(id);
        replayClaims.forgetService(id);
      }
    },

    async createSession(session) {
      ready().accounts.createSession(session);
    },
    async findSession(id, now) {
      return ready().accounts.findSession(id, now);
    },
    async deleteSession(id) {
      ready().accounts.deleteSession(id);
    },
    async deleteSessionsOfUser(userId, exceptId) {
      return ready().accounts.deleteSessionsOfUser(userId, exceptId);
    },
    async deleteExpiredSessions(now) {
      return ready().accounts.deleteExpiredSessions(now);
    },

    async createToken(input) {
      return ready().accounts.createToken(input);
    },
    async findTokenByHash(tokenHash, now) {
      return ready().accounts.findTokenByHash(tokenHash, now);
    },
    async findTokenById(id) {
      return ready().accounts.findTokenById(id);
    },
    async listTokens(userId) {
      return ready().accounts.listTokens(userId);
    },
    async deleteToken(id) {
      return ready().accounts.deleteToken(id);
    },
    async touchToken(id, now) {
      ready().accounts.touchToken(id, now);
    },
    async listTokensWithHashes() {
      return ready().accounts.listTokensWithHashes();
    },

    async createService(input) {
      return ready().services.createService(input);
    },
    async findServiceById(id) {
      return ready().services.findServiceById(id);
    },
    async findServiceByName(name) {
      return ready().services.findServiceByName(name);
    },
    async listServices() {
      return ready().services.listServices();
    },
    async listServicesForUser(userId) {
      return ready().services.listServicesForUser(userId);
    },
    async canUserSeeService(userId, serviceId) {
      return ready().services.canUserSeeService(userId, serviceId);
    },
    async rotateSecret(serviceId, newSecret, previousValidUntil) {
      return ready().services.rotateSecret(serviceId, newSecret, previousValidUntil);
    },
    async updateServiceSettings(serviceId, settings) {
      return ready().services.updateServiceSettings(serviceId, settings);
    },
    async shareService(serviceId, userId) {
      ready().services.shareService(serviceId, userId);
    },
    async listShareUserIds(serviceId) {
      return ready().services.listShareUserIds(serviceId);
    },
    async unshareService(serviceId, userId) {
      ready().services.unshareService(serviceId, userId);
    },
    async removeService(serviceId) {
      const { services, rollups, replayClaims } = ready();
      inTransaction(() => services.removeService(serviceId));
      rollups.forgetService(serviceId);
      replayClaims.forgetService(serviceId);
    },

    async writeEvents(writes, now) {
      if (writes.length === 0) return [];
      return unpackResults(writes, writer().write(packWrites(writes, now)), now);
    },
    async writePackedEvents(packed) {
      if (packed.writes.length === 0) return [];
      return writer().write(packed);
    },
    async countEvents(serviceId) {
      return ready().queries.countEvents(serviceId);
    },

    async topValues(serviceId, dimension, window, limit, now) {
      const { rollups, queries } = ready();
      // a ranking read at `now` shows every committed event and no bucket that left the window before `now`
      rollups.flush(now);
      return queries.topValues(serviceId, dimension, window, limit);
    },
    async requestSeries(serviceId, resolution, limit, now) {
      return unpackSeries(await store.requestSeriesPacked(serviceId, resolution, limit, now));
    },
    async requestSeriesPacked(serviceId, resolution, limit, now) {
      const { rollups, queries } = ready();
      rollups.flush(now);
      return queries.requestCounts(serviceId, resolution, limit, now);
    },
    async locations(serviceId, box, window, limit, now) {
      return ready().queries.locations(serviceId, box, window, limit, now);
    },
    async latestEvents(serviceId, limit) {
      return ready().queries.latestEvents(serviceId, limit);
    },
    async eventsAfterSeq(serviceId, afterSeq, limit) {
      return ready().queries.eventsAfterSeq(serviceId, afterSeq, limit);
    },

    async advanceWindows(now) {
      ready().rollups.flush(now);
    },
    async deleteEventsBefore(before, maxRows) {
      return ready().maintenance.deleteEventsBefore(before, maxRows);
    },
    async pruneRollups(now, maxRows) {
      return ready().maintenance.pruneRollups(now, maxRows);
    },
  };
  return store;
}
