import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RANKED_DIMENSIONS_SQL } from '../../src/rollup/vocabulary.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/migrations/postgres/index.js';
import { inTransaction, openPool } from '../../src/store/postgres/database.js';
import { PostgresMaintenance } from '../../src/store/postgres/maintenance.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { POSTGRES_QUERY_SQL } from '../../src/store/postgres/queries.js';
import type { PostgresWindows } from '../../src/store/postgres/windows.js';
import { type EventWrite, type Store, WINDOWS } from '../../src/store/store.js';
import {
  createTempSchema,
  TEST_DATABASE_URL,
  type TempPostgresSchema,
  withTempPostgresStore,
} from '../support/postgres-temp.js';
import { addOwnedService, makeEvent, T0 } from '../support/temp-store.js';
import { ALL_ROWS, DAY, HOUR, MINUTE, plainWrite, SECOND, seededRandom } from './contract/context.js';
import { granularityMs, windowStartFor } from './contract/window-edges.js';
import { describeStoreContract } from './store-contract.js';

if (TEST_DATABASE_URL === undefined) {
  describe('PostgreSQL store', () => {
    it('is skipped: set TMON_TEST_DATABASE_URL=postgres://… to run the store suites on PostgreSQL', (t) => {
      t.skip('TMON_TEST_DATABASE_URL is not set');
    });
  });
} else {
  const url = TEST_DATABASE_URL;
  describeStoreContract('PostgreSQL', () => withTempPostgresStore(url));
  describeAcrossProcesses(url);
  describeInternals(url);
}

/** The window rows that differ from the rollups after each window's expiry point, and the non-positive ones. */
async function windowMismatches(temp: TempPostgresSchema): Promise<{ mismatches: number; nonPositive: number }> {
  const [row] = await temp.query<{ mismatches: number; non_positive: number }>(
    `WITH expected AS (
       SELECT r.service_id, r.dim, s.win, r.key, sum(r.requests)::bigint AS requests
       FROM window_state s JOIN rollups r
         ON r.res = CASE WHEN s.win IN ('7d', '30d') THEN 'hour' ELSE 'minute' END
        AND r.bucket > s.expired_through AND r.dim IN (${RANKED_DIMENSIONS_SQL})
       GROUP BY r.service_id, r.dim, s.win, r.key)
     SELECT
       (SELECT count(*) FROM expected e FULL JOIN (SELECT * FROM window_counts WHERE win <> 'all') w
          ON w.service_id = e.service_id AND w.dim = e.dim AND w.win = e.win AND w.key = e.key
        WHERE e.requests IS DISTINCT FROM w.requests) AS mismatches,
       (SELECT count(*) FROM window_counts WHERE requests <= 0) AS non_positive`,
  );
  return { mismatches: Number(row?.mismatches), nonPositive: Number(row?.non_positive) };
}

function describeAcrossProcesses(url: string): void {
  describe('PostgreSQL store shared by two processes', () => {
    let temp: TempPostgresSchema;
    let a: Store;
    let b: Store;
    let serviceId: number;

    before(async () => {
      temp = await createTempSchema(url);
      // two stores, two pools: what two tmon processes are to the database. Their folds run on reads
      // only: a fold timer left by one test's writes would otherwise empty the queue another test inspects
      a = await temp.openStore({ foldDelayMs: HOUR });
      b = await temp.openStore({ foldDelayMs: HOUR });
      await Promise.all([a.migrate(), b.migrate()]);
      const user = await a.accounts.createUser({ name: 'ann', passwordHash: 'h', admin: false, now: T0 });
      serviceId = (await b.accounts.createService({ name: 'shop', ownerId: user.id, secret: 'a'.repeat(32), now: T0 }))
        .id;
    });
    after(async () => {
      await temp.drop();
    });

    it('migrates once when both processes start together', async () => {
      const rows = await temp.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((row) => row.version),
        POSTGRES_MIGRATIONS.map((migration) => migration.version),
      );
    });

    it('refuses in one process a replay key the other has claimed', async () => {
      const claim = (url: string): EventWrite => ({
        serviceId,
        events: [makeEvent({ url })],
        replayKey: 'iv-shared',
        replayKeyExpiresAt: T0 + 5 * MINUTE,
      });
      const [first] = await a.events.writeEvents([claim('/a')], T0);
      assert.equal(first?.ok, true);
      const [second] = await b.events.writeEvents([claim('/b')], T0 + SECOND);
      assert.deepEqual(second, { ok: false, reason: 'replayed' });
      // the same idempotency id, sent to the other process, is accepted and not stored again
      await a.events.writeEvents([plainWrite(serviceId, [makeEvent({ id: 'evt-shared' })])], T0);
      const [again] = await b.events.writeEvents([plainWrite(serviceId, [makeEvent({ id: 'evt-shared' })])], T0);
      assert.deepEqual(again, { ok: true, accepted: 1, stored: [] });
    });

    it('keeps ids unique, claims and stores once, and rankings equal to the events, under concurrent writes', async () => {
      let now = T0 + MINUTE;
      const random = seededRandom(23);
      const countries = ['DE', 'FR', 'US', 'JP', 'BR'];
      const urls = ['/', '/a', '/b', '/c'];
      // a service of its own: the rankings hold exactly this test's events
      const owner = await b.accounts.findUserByName('ann');
      assert.ok(owner);
      const { id: serviceId } = await a.accounts.createService({
        name: 'busy',
        ownerId: owner.id,
        secret: 'b'.repeat(32),
        now,
      });
      const seqs: number[] = [];
      const storedIds = new Map<string, number>();
      const claimsOk = new Map<string, number>();
      const written: { ts: number; country: string }[] = [];
      for (let round = 0; round < 30; round++) {
        now += Math.floor(random() * 20 * MINUTE);
        // the same round's requests reach both processes: shared replay keys and idempotency ids
        const group = (process: string): EventWrite[] =>
          Array.from({ length: 4 }, (_, w) => ({
            serviceId,
            replayKey: w === 0 ? `iv-${round}` : w === 1 ? `iv-${round}-${process}` : null,
            replayKeyExpiresAt: w <= 1 ? now + 5 * MINUTE : null,
            events: Array.from({ length: 1 + Math.floor(random() * 8) }, (_, e) =>
              makeEvent({
                // half of them near the 5m and 10m windows' edges, which the other process is expiring
                ts:
                  random() < 0.5
                    ? now - (4 + Math.floor(random() * 7)) * MINUTE - Math.floor(random() * MINUTE)
                    : now - Math.floor(random() * (DAY + 5 * MINUTE)) + 5 * MINUTE,
                url: urls[Math.floor(random() * urls.length)],
                geo: { country: countries[Math.floor(random() * countries.length)] },
                id: w === 2 ? `evt-${round}-${e}` : null,
              }),
            ),
          }));
        const writes = { a: group('a'), b: group('b') };
        const [resultsA, resultsB] = await Promise.all([
          a.events.writeEvents(writes.a, now),
          // the other process's clock is a little behind
          b.events.writeEvents(writes.b, now - 700),
          // expiry at the next minute, racing with both writes
          b.events.advanceWindows(now + MINUTE),
          round % 5 === 0 ? a.events.topValues(serviceId, 'url', '5m', 10, now) : Promise.resolve(),
        ]);
        for (const [results, groupWrites] of [
          [resultsA, writes.a],
          [resultsB, writes.b],
        ] as const) {
          results.forEach((result, i) => {
            const write = groupWrites[i] as EventWrite;
            if (write.replayKey !== null && result.ok) {
              claimsOk.set(write.replayKey, (claimsOk.get(write.replayKey) ?? 0) + 1);
            }
            if (!result.ok) return;
            for (const event of result.stored) {
              seqs.push(event.seq);
              written.push({ ts: event.ts, country: event.geo?.country as string });
              if (event.id !== null) storedIds.set(event.id, (storedIds.get(event.id) ?? 0) + 1);
            }
          });
        }
        now += MINUTE;
      }
      assert.equal(new Set(seqs).size, seqs.length, 'no seq handed out twice');
      for (let round = 0; round < 30; round++) {
        assert.equal(claimsOk.get(`iv-${round}`), 1, `iv-${round} claimed by exactly one process`);
        assert.equal(claimsOk.get(`iv-${round}-a`), 1);
        assert.equal(claimsOk.get(`iv-${round}-b`), 1);
      }
      for (const [id, times] of storedIds) assert.equal(times, 1, `${id} stored once`);
      assert.equal(await b.events.countEvents(serviceId), written.length);

      const at = now + 2 * MINUTE;
      const all = await b.events.topValues(serviceId, 'country', 'all', 100, at);
      assert.equal(
        all.reduce((sum, v) => sum + v.requests, 0),
        await a.events.countEvents(serviceId),
        'the all-time ranking sums to the events stored',
      );
      const days = await a.events.requestSeries(serviceId, 'day', 10, at);
      assert.equal(
        days.reduce((sum, p) => sum + p.requests, 0),
        await a.events.countEvents(serviceId),
      );
      for (const window of WINDOWS.filter((w) => w !== 'all')) {
        const start = windowStartFor(window, at);
        const size = granularityMs(window);
        const expected = new Map<string, number>();
        for (const event of written) {
          if (Math.floor(event.ts / size) * size >= start) {
            expected.set(event.country, (expected.get(event.country) ?? 0) + 1);
          }
        }
        for (const store of [a, b]) {
          const actual = await store.events.topValues(serviceId, 'country', window, 100, at);
          assert.deepEqual(new Map(actual.map((v) => [v.key, v.requests])), expected, window);
        }
      }
      assert.deepEqual(await windowMismatches(temp), { mismatches: 0, nonPositive: 0 });
    });

    it('folds, on a read in one process, the rollup counts another process queued and never folded', async () => {
      // a process that would fold only after an hour: as if it were killed right after its commit
      const stalled = await temp.openStore({ foldDelayMs: HOUR });
      const owner = await a.accounts.findUserByName('ann');
      assert.ok(owner);
      const service = await a.accounts.createService({
        name: 'queued',
        ownerId: owner.id,
        secret: 'q'.repeat(32),
        now: T0,
      });
      const events = ['FR', 'FR', 'JP'].map((country) => makeEvent({ geo: { country } }));
      await stalled.events.writeEvents([plainWrite(service.id, events)], T0);
      const queued = await temp.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM rollup_queue WHERE service_id = $1',
        [service.id],
      );
      assert.equal(queued[0]?.n, 1, 'the counts wait in the queue, committed with their events');

      const ranking = await b.events.topValues(service.id, 'country', 'all', 10, T0 + SECOND);
      assert.deepEqual(ranking, [
        { key: 'FR', requests: 2 },
        { key: 'JP', requests: 1 },
      ]);
      const series = await b.events.requestSeries(service.id, 'minute', 1, T0 + SECOND);
      assert.equal(series[0]?.requests, 3);
      const left = await temp.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_queue');
      assert.equal(left[0]?.n, 0);
      await stalled.close();
      assert.equal(
        (await a.events.topValues(service.id, 'country', 'all', 10, T0 + SECOND))[0]?.requests,
        2,
        'folded once',
      );
    });

    it('queues the seqs instead of the counts when a group stored only some of its events', async () => {
      const stalled = await temp.openStore({ foldDelayMs: HOUR });
      const owner = await a.accounts.findUserByName('ann');
      assert.ok(owner);
      const service = await a.accounts.createService({
        name: 'partly',
        ownerId: owner.id,
        secret: 'p'.repeat(32),
        now: T0,
      });
      await stalled.events.writeEvents(
        [plainWrite(service.id, [makeEvent({ id: 'once', geo: { country: 'NL' } })])],
        T0,
      );
      // the repeated id is accepted and not stored again: the group's counts are not those of its events
      const events = [makeEvent({ id: 'once', geo: { country: 'NL' } }), makeEvent({ geo: { country: 'BE' } })];
      await stalled.events.writeEvents([plainWrite(service.id, events)], T0);
      const queued = await temp.query<{ counts: string | null; seqs: string[] | null }>(
        'SELECT counts, seqs FROM rollup_queue WHERE service_id = $1 ORDER BY id',
        [service.id],
      );
      assert.deepEqual(
        queued.map((row) => [row.counts !== null, row.seqs?.length ?? null]),
        [
          [true, null],
          [false, 1],
        ],
      );
      assert.deepEqual(await b.events.topValues(service.id, 'country', 'all', 10, T0 + SECOND), [
        { key: 'BE', requests: 1 },
        { key: 'NL', requests: 1 },
      ]);
      await stalled.close();
    });

    it('drops the queued counts of a service removed before they were folded', async () => {
      const stalled = await temp.openStore({ foldDelayMs: HOUR });
      const owner = await a.accounts.findUserByName('ann');
      assert.ok(owner);
      const service = await a.accounts.createService({
        name: 'gone',
        ownerId: owner.id,
        secret: 'g'.repeat(32),
        now: T0,
      });
      await stalled.events.writeEvents([plainWrite(service.id, [makeEvent()])], T0);
      await b.accounts.removeService(service.id);
      await b.events.removeServiceEvents(service.id);
      const left = await temp.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM rollup_queue WHERE service_id = $1',
        [service.id],
      );
      assert.equal(left[0]?.n, 0, 'removing a service removes its queued counts');

      // a process whose cache still holds the removed service writes once more: the fold drops those counts
      await stalled.events.writeEvents([plainWrite(service.id, [makeEvent()])], T0);
      await b.events.requestSeries(serviceId, 'minute', 1, T0 + SECOND);
      const rows = await temp.query<{ queued: number; rollups: number }>(
        `SELECT (SELECT count(*)::int FROM rollup_queue) AS queued,
                (SELECT count(*)::int FROM rollups WHERE service_id = $1) AS rollups`,
        [service.id],
      );
      assert.deepEqual(rows[0], { queued: 0, rollups: 0 });
      const orphans = await temp.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE service_id = $1', [
        service.id,
      ]);
      assert.equal(orphans[0]?.n, 0, 'the events written after the removal went with the fold');
      await stalled.close();
    });

    it('keeps an old event that a queued group names by seq until the group is folded', async () => {
      const stalled = await temp.openStore({ foldDelayMs: HOUR });
      const owner = await a.accounts.findUserByName('ann');
      assert.ok(owner);
      const service = await a.accounts.createService({
        name: 'late',
        ownerId: owner.id,
        secret: 'l'.repeat(32),
        now: T0,
      });
      const old = T0 - 2 * DAY;
      await stalled.events.writeEvents(
        [plainWrite(service.id, [makeEvent({ id: 'twice', ts: old, geo: { country: 'NL' } })])],
        T0,
      );
      // a repeated id: this group is queued as seqs, its counts read from the events when folded
      const late = [
        makeEvent({ id: 'twice', ts: old, geo: { country: 'NL' } }),
        makeEvent({ ts: old, geo: { country: 'BE' } }),
      ];
      await stalled.events.writeEvents([plainWrite(service.id, late)], T0);
      // retention as it runs when another process committed that group just after retention's own fold
      const pool = openPool({ url: temp.url, schema: temp.schema });
      try {
        const maintenance = new PostgresMaintenance(pool, undefined as unknown as PostgresWindows);
        assert.equal(await maintenance.deleteEventsBefore(T0 - DAY, ALL_ROWS), 1, 'only the event counted in advance');
        assert.deepEqual(await b.events.topValues(service.id, 'country', 'all', 10, T0), [
          { key: 'BE', requests: 1 },
          { key: 'NL', requests: 1 },
        ]);
        assert.equal(await maintenance.deleteEventsBefore(T0 - DAY, ALL_ROWS), 1, 'folded: it goes now');
        assert.equal(await b.events.countEvents(service.id), 0);
      } finally {
        await pool.end();
        await stalled.close();
      }
    });

    it('folds the queued counts of a write shortly after its commit, without a read', async () => {
      const prompt = await temp.openStore({ foldDelayMs: 50 });
      await prompt.events.writeEvents([plainWrite(serviceId, [makeEvent()])], T0);
      const deadline = Date.now() + 10 * SECOND;
      let queued = Number.POSITIVE_INFINITY;
      while (queued > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        queued = (await temp.query<{ n: number }>('SELECT count(*)::int AS n FROM rollup_queue'))[0]?.n ?? 0;
      }
      assert.equal(queued, 0, 'the fold timer took the queued counts');
      await prompt.close();
    });

    it('assigns distinct service ids to services created by both at once', async () => {
      const owner = await a.accounts.findUserByName('ann');
      assert.ok(owner);
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).accounts.createService({
            name: `svc-${i}`,
            ownerId: owner.id,
            secret: 's'.repeat(32),
            now: T0,
          }),
        ),
      );
      assert.equal(new Set(created.map((s) => s.id)).size, 10);
    });
  });
}

function describeInternals(url: string): void {
  describe('PostgreSQL store internals', () => {
    it('drops expired replay keys when pruning', async () => {
      const { store, temp, cleanup } = await withTempPostgresStore(url);
      try {
        const { service } = await addOwnedService(store.accounts);
        const claim = (key: string, expiresAt: number) => ({
          serviceId: service.id,
          events: [makeEvent()],
          replayKey: key,
          replayKeyExpiresAt: expiresAt,
        });
        await store.events.writeEvents([claim('old', T0 + MINUTE), claim('new', T0 + 10 * MINUTE)], T0);
        await store.events.pruneRollups(T0 + 5 * MINUTE, ALL_ROWS);
        const rows = await temp.query<{ key: string }>('SELECT key FROM replay_keys');
        assert.deepEqual(
          rows.map((row) => row.key),
          ['new'],
        );
      } finally {
        await cleanup();
      }
    });

    it('stores text holding U+0000 as U+FFFD instead of failing the group', async () => {
      const { store, cleanup } = await withTempPostgresStore(url);
      try {
        const { service } = await addOwnedService(store.accounts);
        const [result] = await store.events.writeEvents(
          [plainWrite(service.id, [makeEvent({ url: '/a\0b', extra: { note: 'x\0y' } })])],
          T0,
        );
        assert.ok(result?.ok && result.stored.length === 1);
        const [latest] = await store.events.latestEvents(service.id, 1);
        assert.equal(latest?.url, '/a\uFFFDb');
        assert.deepEqual(latest?.extra, { note: 'x\0y' });
        assert.deepEqual(await store.events.topValues(service.id, 'url', '5m', 10, T0), [
          { key: '/a\uFFFDb', requests: 1 },
        ]);
      } finally {
        await cleanup();
      }
    });

    it('stores text with quotes, backslashes, braces and the word NULL exactly as sent', async () => {
      const { store, cleanup } = await withTempPostgresStore(url);
      try {
        const { service } = await addOwnedService(store.accounts);
        const tricky = makeEvent({
          url: '/a"b\\c{d},e f\\"',
          username: 'NULL',
          referrer: '',
          method: ' ',
          id: 'ünï"cødé\\',
          extra: { quote: '"', slash: '\\', list: [1, null, 'x'] },
          agent: { browser: '{}', model: 'a,b' },
        });
        await store.events.writeEvents([plainWrite(service.id, [tricky])], T0);
        const [stored] = await store.events.latestEvents(service.id, 1);
        const { seq, serviceId, receivedAt, ...fields } = stored ?? assert.fail('not stored');
        assert.deepEqual(fields, tricky);
        assert.deepEqual(await store.events.topValues(service.id, 'browser', 'all', 10, T0), [
          { key: '{}', requests: 1 },
        ]);
      } finally {
        await cleanup();
      }
    });

    it('answers every query from an index, never a scan of events, rollups or windows', async () => {
      const { temp, cleanup } = await withTempPostgresStore(url);
      try {
        for (const [name, sql] of Object.entries(POSTGRES_QUERY_SQL)) {
          const params = Array.from(new Set(sql.match(/\$\d+/g) ?? []), () => 1);
          // on empty tables a scan is cheapest: with it disabled, the plan shows whether an index can serve
          const plan = await temp.explain(sql, params);
          assert.ok(!/Seq Scan on (events|rollups|window_counts)\b/.test(plan), `${name}:\n${plan}`);
          if (name === 'ranking') assert.ok(!/\bSort\b/.test(plan), `${name}:\n${plan}`);
        }
      } finally {
        await cleanup();
      }
    });

    it('turns the tokens made before scopes into admin tokens with their names when migrating', async () => {
      const temp = await createTempSchema(url);
      const pool = openPool({ url, schema: temp.schema });
      try {
        await temp.query(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
          applied_at bigint NOT NULL)`);
        // the schema as migrations 1 and 2 left it, with a token of then
        for (const migration of POSTGRES_MIGRATIONS.filter((m) => m.version <= 2)) {
          await inTransaction(pool, async (client) => {
            await client.query(migration.sql);
            await client.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
              migration.version,
              migration.name,
              T0,
            ]);
          });
        }
        await temp.query(
          `INSERT INTO users (name, password_hash, admin, created_at) VALUES ('ann', 'h', false, ${T0})`,
        );
        await temp.query(`INSERT INTO api_tokens SELECT 'old-hash', id, 'grafana', ${T0} FROM users`);
        const store = await temp.openStore();
        await store.migrate();
        const token = await store.accounts.findTokenByHash('old-hash', T0);
        assert.equal(token?.scope, 'admin');
        assert.equal(token?.name, 'grafana');
        assert.equal(token?.expiresAt, null);
        assert.ok(Number.isInteger(token?.id));
      } finally {
        await pool.end();
        await temp.drop();
      }
    });

    it('creates and uses the schema named in the URL', async () => {
      const temp = await createTempSchema(url);
      const schema = `${temp.schema}_url`;
      const store = await openPostgresStore({ url: `${url}?schema=${schema}` });
      try {
        await store.migrate();
        await store.accounts.createUser({ name: 'ann', passwordHash: 'h', admin: false, now: T0 });
        const rows = await temp.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.users`);
        assert.equal(rows[0]?.n, 1);
      } finally {
        await store.close();
        await temp.query(`DROP SCHEMA ${schema} CASCADE`);
        await temp.drop();
      }
    });

    it('fails a write at once, instead of hanging, when the database cannot be reached', async () => {
      const store = await openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test' });
      try {
        const started = Date.now();
        await assert.rejects(store.events.writeEvents([plainWrite(1, [makeEvent()])], T0));
        assert.ok(Date.now() - started < 10 * SECOND);
      } finally {
        await store.close();
      }
    });

    it('reports an idle connection the server dropped, and opens another for the next query', async () => {
      const temp = await createTempSchema(url);
      const reported: unknown[] = [];
      const pool = openPool({
        url: temp.url,
        schema: temp.schema,
        poolSize: 1,
        onBackgroundError: (e) => reported.push(e),
      });
      try {
        const [row] = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
        await temp.query('SELECT pg_terminate_backend($1)', [row!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(reported.length, 1);
        assert.match(String((reported[0] as Error).message), /idle PostgreSQL connection broke/);
        const [after] = (await pool.query<{ one: number }>('SELECT 1 AS one')).rows;
        assert.equal(after?.one, 1);
      } finally {
        await pool.end();
        await temp.drop();
      }
    });

    it('fails a transaction whose connection is dropped between statements, and the process keeps running', async () => {
      const temp = await createTempSchema(url);
      const pool = openPool({ url: temp.url, schema: temp.schema, poolSize: 2 });
      try {
        const transaction = inTransaction(pool, async (client) => {
          const [row] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
          // the server ends this connection while the transaction holds it and sends nothing
          await pool.query('SELECT pg_terminate_backend($1)', [row!.pid]);
          await new Promise((resolve) => setTimeout(resolve, 200));
          await client.query('SELECT 1');
        });
        await assert.rejects(transaction, /terminat/i);
        // the dropped connection is gone from the pool: the next statement gets a working one
        const [after] = (await pool.query<{ one: number }>('SELECT 1 AS one')).rows;
        assert.equal(after?.one, 1);
      } finally {
        await pool.end();
        await temp.drop();
      }
    });
  });
}
