import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { eventColumnValues } from '../../src/store/event-row.js';
import { SQLITE_FILE_NAME } from '../../src/store/sqlite/database.js';
import { QUERY_SQL } from '../../src/store/sqlite/queries.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { DataDirectoryBusyError } from '../../src/store/sqlite/writer-lock.js';
import type { Store } from '../../src/store/store.js';
import { addOwnedService, makeEvent, T0, withTempSqliteStore } from '../support/temp-store.js';
import { ALL_ROWS, DAY, MINUTE, plainWrite } from './contract/context.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite', withTempSqliteStore);

const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs test/support/write-then-die.ts and resolves with the signal that ended it. */
function writeThenDie(dataDir: string, serviceId: number, count: number): Promise<NodeJS.Signals | null> {
  const script = path.join(here, '../support/write-then-die.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, String(serviceId), String(count)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

/** Back to the replay claims table before migration 6 (one row per claim), empty. */
const REPLAY_CLAIMS_BEFORE_MIGRATION_6 = `DROP TABLE replay_claim_groups;
  CREATE TABLE replay_claims (expires_at INTEGER NOT NULL, service_id INTEGER NOT NULL, key TEXT NOT NULL,
    PRIMARY KEY (expires_at, service_id, key)) WITHOUT ROWID;`;

/** The `events` columns after seq before migration 4 moved the agent's to `agents`. */
const COLUMNS_BEFORE_MIGRATION_4 = [
  'service_id',
  'ts',
  'received_at',
  'url',
  'ip',
  'useragent',
  'username',
  'method',
  'status',
  'duration_ms',
  'referrer',
  'event_key',
  'country',
  'country_name',
  'region',
  'city',
  'lat',
  'lng',
  'browser',
  'browser_version',
  'os',
  'os_version',
  'device',
  'vendor',
  'model',
  'is_bot',
  'extra',
];

/** What `read` finds in the database file, opened read-only beside the store. */
function readFile<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** A migrated SQLite store in a temp directory with user ann and her service shop. */
async function withShopStore() {
  const temp = await withTempSqliteStore();
  const { service } = await addOwnedService(temp.store.accounts);
  return { ...temp, service };
}

describe('SQLite store internals', () => {
  it('rebuilds the rollups of events whose process was killed before it applied them', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    try {
      await store.events.writeEvents([plainWrite(service.id, [makeEvent({ url: '/before' })])], T0);
      await store.close();
      assert.equal(await writeThenDie(dataDir, service.id, 7), 'SIGKILL');
      const reopened = await openSqliteStore({ dataDir });
      await reopened.migrate();
      assert.equal(await reopened.events.countEvents(service.id), 8);
      assert.deepEqual(await reopened.events.topValues(service.id, 'url', '5m', 10, T0 + MINUTE), [
        { key: '/crash/0', requests: 3 },
        { key: '/crash/1', requests: 2 },
        { key: '/crash/2', requests: 2 },
        { key: '/before', requests: 1 },
      ]);
      assert.equal((await reopened.events.requestSeries(service.id, 'minute', 2, T0 + MINUTE))[0]?.requests, 8);
      await reopened.close();
      // applied once: a third start finds nothing left to rebuild
      const third = await openSqliteStore({ dataDir });
      assert.equal((await third.events.topValues(service.id, 'url', 'all', 1, T0 + MINUTE))[0]?.requests, 3);
      await third.close();
    } finally {
      await cleanup();
    }
  });

  it('counts events once when a second process reads the rankings first', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    const other = await openSqliteStore({ dataDir });
    try {
      await store.events.writeEvents([plainWrite(service.id, [makeEvent(), makeEvent()])], T0);
      assert.deepEqual(await other.events.topValues(service.id, 'country', '5m', 10, T0), [{ key: 'DE', requests: 2 }]);
      await store.events.writeEvents([plainWrite(service.id, [makeEvent()])], T0);
      assert.deepEqual(await store.events.topValues(service.id, 'country', '5m', 10, T0), [{ key: 'DE', requests: 3 }]);
      assert.deepEqual(await other.events.topValues(service.id, 'country', '5m', 10, T0), [{ key: 'DE', requests: 3 }]);
    } finally {
      await other.close();
      await cleanup();
    }
  });

  it('counts nothing of a service another process removed, and keeps no event written to it after', async () => {
    const { store, dataDir, cleanup } = await withTempSqliteStore();
    const cli = await openSqliteStore({ dataDir });
    try {
      const user = await store.accounts.createUser({ name: 'ann', passwordHash: 'h', admin: false, now: T0 });
      const gone = await store.accounts.createService({
        name: 'gone',
        ownerId: user.id,
        secret: 'g'.repeat(32),
        now: T0,
      });
      const kept = await store.accounts.createService({
        name: 'kept',
        ownerId: user.id,
        secret: 'k'.repeat(32),
        now: T0,
      });
      // counted in memory, not yet applied, when `tmon service remove` runs in another process
      await store.events.writeEvents([plainWrite(gone.id, [makeEvent()]), plainWrite(kept.id, [makeEvent()])], T0);
      // as `tmon service remove` does (accounts.ts): the service, then its data
      await cli.accounts.removeService(gone.id);
      await cli.events.removeServiceEvents(gone.id);
      // this process's service cache still holds it for a moment
      await store.events.writeEvents([plainWrite(gone.id, [makeEvent(), makeEvent()])], T0);
      assert.deepEqual(await store.events.topValues(kept.id, 'country', '5m', 10, T0), [{ key: 'DE', requests: 1 }]);

      const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
      try {
        const left = db
          .prepare(
            `SELECT (SELECT count(*) FROM events WHERE service_id = @id) AS events,
                    (SELECT count(*) FROM rollups WHERE service_id = @id) AS rollups,
                    (SELECT count(*) FROM window_counts WHERE service_id = @id) AS windows`,
          )
          .get({ id: gone.id });
        assert.deepEqual(left, { events: 0, rollups: 0, windows: 0 });
      } finally {
        db.close();
      }
    } finally {
      await cli.close();
      await cleanup();
    }
  });

  it('refuses after a restart a replay key claimed before it, until the claim expires', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    let reopened: Awaited<ReturnType<typeof openSqliteStore>> | null = null;
    try {
      const claim = {
        serviceId: service.id,
        events: [makeEvent()],
        replayKey: 'iv-1',
        replayKeyExpiresAt: T0 + 10 * MINUTE,
      };
      assert.equal((await store.events.writeEvents([claim], T0))[0]?.ok, true);
      await store.close();
      reopened = await openSqliteStore({ dataDir });
      assert.deepEqual(await reopened.events.writeEvents([claim], T0 + MINUTE), [{ ok: false, reason: 'replayed' }]);
      const later = { ...claim, replayKeyExpiresAt: T0 + 30 * MINUTE };
      assert.equal((await reopened.events.writeEvents([later], T0 + 10 * MINUTE))[0]?.ok, true, 'expired: taken over');
      assert.deepEqual(await reopened.events.writeEvents([later], T0 + 11 * MINUTE), [
        { ok: false, reason: 'replayed' },
      ]);
    } finally {
      await reopened?.close();
      await cleanup();
    }
  });

  it('records the claims of one commit as one row, and refuses each of them after a restart', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    let reopened: Awaited<ReturnType<typeof openSqliteStore>> | null = null;
    try {
      const claim = (key: string) => ({
        serviceId: service.id,
        events: [makeEvent()],
        replayKey: key,
        replayKeyExpiresAt: T0 + 5 * MINUTE,
      });
      const group = ['iv-a', 'iv-b', 'iv-c'].map(claim);
      assert.ok((await store.events.writeEvents(group, T0)).every((result) => result.ok));
      const rows = readFile(path.join(dataDir, SQLITE_FILE_NAME), (db) =>
        db.prepare('SELECT count(*) FROM replay_claim_groups').pluck().get(),
      );
      assert.equal(rows, 1);
      // a write without a replay key records nothing
      await store.events.writeEvents([plainWrite(service.id, [makeEvent()])], T0);
      await store.close();
      reopened = await openSqliteStore({ dataDir });
      for (const write of group) {
        assert.deepEqual(await reopened.events.writeEvents([write], T0 + MINUTE), [{ ok: false, reason: 'replayed' }]);
      }
      assert.equal((await reopened.events.writeEvents([claim('iv-d')], T0 + MINUTE))[0]?.ok, true);
    } finally {
      await reopened?.close();
      await cleanup();
    }
  });

  it('holds a replay key to its expiry, at most a second longer, never shorter', async () => {
    const { store, service, cleanup } = await withShopStore();
    try {
      const claim = { serviceId: service.id, events: [makeEvent()], replayKey: 'iv', replayKeyExpiresAt: T0 + 1_500 };
      assert.equal((await store.events.writeEvents([claim], T0))[0]?.ok, true);
      for (const now of [T0 + 1_499, T0 + 1_999]) {
        assert.deepEqual(
          await store.events.writeEvents([claim], now),
          [{ ok: false, reason: 'replayed' }],
          `at +${now - T0} ms`,
        );
      }
      assert.equal((await store.events.writeEvents([claim], T0 + 2_000))[0]?.ok, true, 'expired: taken over');
    } finally {
      await cleanup();
    }
  });

  it('forgets the replay keys of a group whose transaction rolled back', async () => {
    const { store, service, cleanup } = await withShopStore();
    try {
      const claim = {
        serviceId: service.id,
        events: [makeEvent()],
        replayKey: 'iv-1',
        replayKeyExpiresAt: T0 + MINUTE,
      };
      // the second write of the group is invalid: the whole group rolls back after the first claimed its key
      const invalid = { ...claim, replayKey: 'iv-2', replayKeyExpiresAt: null };
      await assert.rejects(store.events.writeEvents([claim, invalid], T0), TypeError);
      assert.equal(await store.events.countEvents(service.id), 0);
      assert.equal((await store.events.writeEvents([claim], T0))[0]?.ok, true, 'the sender retries: not a replay');
    } finally {
      await cleanup();
    }
  });

  it('forgets the agents a group added when its transaction rolled back', async () => {
    const { store, service, cleanup } = await withShopStore();
    try {
      const crawler = makeEvent({ useragent: 'NewCrawler/1.0', agent: { browser: null, device: 'bot', bot: true } });
      const stored = plainWrite(service.id, [crawler]);
      // the second write of the group is invalid: the whole group rolls back, the new agent's row with it
      const invalid = { ...plainWrite(service.id, [makeEvent()]), replayKey: 'iv', replayKeyExpiresAt: null };
      await assert.rejects(store.events.writeEvents([stored, invalid], T0), TypeError);
      await store.events.writeEvents([stored], T0);
      const [latest] = await store.events.latestEvents(service.id, 10);
      assert.equal(latest?.useragent, 'NewCrawler/1.0');
      assert.deepEqual(latest?.agent, crawler.agent);
    } finally {
      await cleanup();
    }
  });

  it('turns the tokens made before scopes into admin tokens with their names when migrating', async () => {
    const { store, dataDir, cleanup } = await withShopStore();
    await store.close();
    const db = new Database(path.join(dataDir, SQLITE_FILE_NAME));
    try {
      // back to the api_tokens of migration 1
      db.exec(`DROP TABLE api_tokens;
        CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, label TEXT NOT NULL, created_at INTEGER NOT NULL);
        INSERT INTO api_tokens SELECT 'old-hash', id, 'grafana', ${T0} FROM users LIMIT 1;
        DELETE FROM schema_migrations WHERE version = 7;`);
    } finally {
      db.close();
    }
    const migrated = await openSqliteStore({ dataDir });
    try {
      await migrated.migrate();
      const token = await migrated.accounts.findTokenByHash('old-hash', T0);
      assert.equal(token?.scope, 'admin');
      assert.equal(token?.name, 'grafana');
      assert.equal(token?.expiresAt, null);
      assert.equal(token?.serviceId, null);
    } finally {
      await migrated.close();
      await cleanup();
    }
  });

  it('moves the agents of stored events to a table of their own when migrating, seq going on where it was', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    await store.close();
    const file = path.join(dataDir, SQLITE_FILE_NAME);
    const chrome = makeEvent({ url: '/a' });
    const sameStringOtherParse = makeEvent({ url: '/b', agent: { device: 'bot', bot: true } });
    const db = new Database(file);
    try {
      // back to the events table before migration 4: the agent's columns on every row
      db.exec(`DROP TABLE events; DROP TABLE agents; ${REPLAY_CLAIMS_BEFORE_MIGRATION_6}
        CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, ${COLUMNS_BEFORE_MIGRATION_4.join(', ')});
        DELETE FROM schema_migrations WHERE version BETWEEN 4 AND 6;`);
      const insert = db.prepare(
        `INSERT INTO events (${COLUMNS_BEFORE_MIGRATION_4.join(', ')})
         VALUES (${COLUMNS_BEFORE_MIGRATION_4.map(() => '?').join(', ')})`,
      );
      for (const event of [chrome, sameStringOtherParse, chrome, chrome]) {
        // the shared column order is the one of this table; SQLite stores the bot flag as 0/1
        insert.run(
          eventColumnValues(service.id, event, T0).map((value) => (typeof value === 'boolean' ? Number(value) : value)),
        );
      }
      db.exec('DELETE FROM events WHERE seq = 4'); // the counter stays at 4
    } finally {
      db.close();
    }
    const migrated = await openSqliteStore({ dataDir });
    try {
      await migrated.migrate();
      const latest = await migrated.events.latestEvents(service.id, 10);
      assert.deepEqual(
        latest.map((event) => [event.seq, event.url, event.useragent, event.agent]),
        [
          [3, '/a', chrome.useragent, chrome.agent],
          [2, '/b', chrome.useragent, sameStringOtherParse.agent],
          [1, '/a', chrome.useragent, chrome.agent],
        ],
      );
      const [next] = await migrated.events.writeEvents([plainWrite(service.id, [chrome])], T0);
      assert.equal(next?.ok && next.stored[0]?.seq, 5, 'seq goes on after the deleted 4');
      const agents = readFile(file, (db) => db.prepare('SELECT count(*) FROM agents').pluck().get());
      assert.equal(agents, 2, 'one row per string and parse');
      const lastTs = readFile(file, (db) => db.prepare('SELECT DISTINCT last_ts FROM agents').pluck().all());
      assert.deepEqual(lastTs, [T0], 'migration 5: the newest event time there is');
    } finally {
      await migrated.close();
      await cleanup();
    }
  });

  it('carries claimed replay keys over, in expiry order, through migrations 3 and 6', async () => {
    const { store, dataDir, cleanup } = await withTempSqliteStore();
    await store.close();
    const file = path.join(dataDir, SQLITE_FILE_NAME);
    const db = new Database(file);
    try {
      // back to the schema before migration 3, with two claims in it
      db.exec(`${REPLAY_CLAIMS_BEFORE_MIGRATION_6} DROP TABLE replay_claims;
        CREATE TABLE replay_keys (service_id INTEGER NOT NULL, key TEXT NOT NULL, expires_at INTEGER NOT NULL,
          PRIMARY KEY (service_id, key)) WITHOUT ROWID;
        INSERT INTO replay_keys VALUES (1, 'late', ${T0 + 2 * MINUTE}), (1, 'early', ${T0 + MINUTE});
        DELETE FROM schema_migrations WHERE version IN (3, 6);`);
    } finally {
      db.close();
    }
    const migrated = await openSqliteStore({ dataDir });
    try {
      await migrated.migrate();
      const groups = readFile(file, (db) =>
        db.prepare('SELECT expires_at, claims FROM replay_claim_groups ORDER BY rowid').raw().all(),
      );
      assert.deepEqual(groups, [
        [T0 + MINUTE, `[[1,"early",${T0 + MINUTE}]]`],
        [T0 + 2 * MINUTE, `[[1,"late",${T0 + 2 * MINUTE}]]`],
      ]);
      const claim = { serviceId: 1, events: [makeEvent()], replayKey: 'late', replayKeyExpiresAt: T0 + 10 * MINUTE };
      assert.deepEqual(await migrated.events.writeEvents([claim], T0), [{ ok: false, reason: 'replayed' }]);
    } finally {
      await migrated.close();
      await cleanup();
    }
  });

  it('lets one process at a time write events to a data directory', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    const second = await openSqliteStore({ dataDir });
    let third: Awaited<ReturnType<typeof openSqliteStore>> | null = null;
    try {
      await store.events.writeEvents([plainWrite(service.id, [makeEvent()])], T0);
      // the second reads and manages beside it, as a CLI command does, but writes no events
      assert.equal(await second.events.countEvents(service.id), 1);
      await assert.rejects(
        second.events.writeEvents([plainWrite(service.id, [makeEvent()])], T0),
        DataDirectoryBusyError,
      );
      // a server's store takes the lock at open: it fails at start, not at its first event
      await assert.rejects(openSqliteStore({ dataDir, writesEvents: true }), /another process is writing events/);
      assert.equal(await second.events.countEvents(service.id), 1, 'nothing stored by the refused write');

      await store.close();
      third = await openSqliteStore({ dataDir, writesEvents: true });
      assert.equal((await third.events.writeEvents([plainWrite(service.id, [makeEvent()])], T0))[0]?.ok, true);
    } finally {
      await third?.close();
      await second.close();
      await cleanup();
    }
  });

  it('drops expired replay keys when pruning', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    try {
      const claim = (key: string, expiresAt: number) => ({
        serviceId: service.id,
        events: [makeEvent()],
        replayKey: key,
        replayKeyExpiresAt: expiresAt,
      });
      // two commits, two recorded groups; a group goes once all its claims have expired
      await store.events.writeEvents([claim('old', T0 + MINUTE)], T0);
      await store.events.writeEvents([claim('new', T0 + 10 * MINUTE), claim('newer', T0 + 11 * MINUTE)], T0);
      await store.events.pruneRollups(T0 + 5 * MINUTE, ALL_ROWS);
      const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
      try {
        assert.deepEqual(db.prepare('SELECT claims FROM replay_claim_groups').pluck().all(), [
          `[[${service.id},"new",${T0 + 10 * MINUTE}],[${service.id},"newer",${T0 + 11 * MINUTE}]]`,
        ]);
      } finally {
        db.close();
      }
    } finally {
      await cleanup();
    }
  });

  it('answers every query from an index range, never a scan', async () => {
    const { store, dataDir, cleanup } = await withTempSqliteStore();
    await store.close();
    const db = new Database(path.join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      for (const [name, sql] of Object.entries(QUERY_SQL)) {
        const params = Array.from(sql.match(/\?/g) ?? [], () => 1);
        const plan = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...params);
        const details = plan.map((row) => row.detail);
        assert.ok(
          details.every((detail) => !/^SCAN (events|rollups|window_counts)\b/.test(detail)),
          `${name}: ${details.join('; ')}`,
        );
        if (name === 'ranking' || name === 'cityRanking') {
          assert.ok(!details.some((detail) => detail.includes('TEMP B-TREE')), `${name}: ${details.join('; ')}`);
        }
      }
    } finally {
      db.close();
      await cleanup();
    }
  });
});

describe('SQLite agents under retention', () => {
  const bot = (ts: number, url = '/') =>
    makeEvent({ ts, url, useragent: 'OldBot/1.0', agent: { browser: null, device: 'bot', bot: true } });
  const agentCount = (dataDir: string) =>
    readFile(path.join(dataDir, SQLITE_FILE_NAME), (db) => db.prepare('SELECT count(*) FROM agents').pluck().get());
  const latest = async (store: Store, serviceId: number) =>
    (await store.events.latestEvents(serviceId, 10)).map((event) => [event.url, event.useragent, event.agent.device]);

  it('deletes the agents only deleted events referred to, and adds one again when it comes back', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    try {
      await store.events.writeEvents(
        [plainWrite(service.id, [bot(T0), makeEvent({ ts: T0 + 10 * DAY, url: '/new' })])],
        T0,
      );
      assert.equal(agentCount(dataDir), 2);
      assert.equal(await store.events.deleteEventsBefore(T0 + 5 * DAY, ALL_ROWS), 1);
      assert.equal(agentCount(dataDir), 1, "the bot's agent went with its only event");
      assert.deepEqual(await latest(store, service.id), [['/new', makeEvent().useragent, 'desktop']]);
      await store.events.writeEvents([plainWrite(service.id, [bot(T0 + 10 * DAY, '/back')])], T0 + 10 * DAY);
      assert.equal(agentCount(dataDir), 2);
      assert.deepEqual((await latest(store, service.id))[0], ['/back', 'OldBot/1.0', 'bot']);
    } finally {
      await cleanup();
    }
  });

  it('keeps an agent a newer event refers to, however old its first events are', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    let reopened: Store | null = null;
    try {
      await store.events.writeEvents([plainWrite(service.id, [bot(T0, '/1')])], T0);
      await store.close();
      // a cold start reads the agent's last_ts from its row; the writer's memory holds it after that
      reopened = await openSqliteStore({ dataDir });
      await reopened.events.writeEvents([plainWrite(service.id, [bot(T0 + 3 * DAY, '/2')])], T0 + 3 * DAY);
      await reopened.events.writeEvents([plainWrite(service.id, [bot(T0 + 6 * DAY, '/3')])], T0 + 6 * DAY);
      assert.equal(await reopened.events.deleteEventsBefore(T0 + 5 * DAY, ALL_ROWS), 2);
      assert.equal(agentCount(dataDir), 1);
      assert.deepEqual(await latest(reopened, service.id), [['/3', 'OldBot/1.0', 'bot']]);
    } finally {
      await reopened?.close();
      await cleanup();
    }
  });

  it("keeps an agent's time as it was when the group that moved it rolled back", async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    try {
      await store.events.writeEvents([plainWrite(service.id, [bot(T0, '/1')])], T0);
      const invalid = { ...plainWrite(service.id, [makeEvent()]), replayKey: 'iv', replayKeyExpiresAt: null };
      await assert.rejects(
        store.events.writeEvents([plainWrite(service.id, [bot(T0 + 3 * DAY)]), invalid], T0),
        TypeError,
      );
      // within a day of the rolled-back time, not of the stored one: the row must be moved now
      await store.events.writeEvents([plainWrite(service.id, [bot(T0 + 3.5 * DAY, '/2')])], T0 + 3.5 * DAY);
      assert.equal(await store.events.deleteEventsBefore(T0 + 2 * DAY, ALL_ROWS), 1);
      assert.equal(agentCount(dataDir), 1);
      assert.deepEqual(await latest(store, service.id), [['/2', 'OldBot/1.0', 'bot']]);
    } finally {
      await cleanup();
    }
  });

  it('leaves agents alone while old events remain to be deleted', async () => {
    const { store, dataDir, service, cleanup } = await withShopStore();
    try {
      await store.events.writeEvents([plainWrite(service.id, [bot(T0, '/1'), bot(T0, '/2'), bot(T0, '/3')])], T0);
      assert.equal(await store.events.deleteEventsBefore(T0 + 5 * DAY, 2), 2);
      assert.equal(agentCount(dataDir), 1);
      assert.equal((await latest(store, service.id)).length, 1, 'the old event left still reads with its agent');
      assert.equal(await store.events.deleteEventsBefore(T0 + 5 * DAY, 2), 1);
      assert.equal(agentCount(dataDir), 0);
    } finally {
      await cleanup();
    }
  });
});
