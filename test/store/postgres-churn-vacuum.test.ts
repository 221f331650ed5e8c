import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { PostgresChurnVacuum } from '../../src/store/postgres/churn-vacuum.js';
import { openPool } from '../../src/store/postgres/database.js';
import { LOCK_VACUUM, lockKey } from '../../src/store/postgres/migrate.js';
import type { Store } from '../../src/store/store.js';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { makeEvent, T0 } from '../support/temp-store.js';
import { HOUR, plainWrite, SECOND } from './contract/context.js';

if (TEST_DATABASE_URL === undefined) {
  describe('PostgreSQL churn vacuum', () => {
    it('is skipped: set TMON_TEST_DATABASE_URL=postgres://… to run it', (t) => {
      t.skip('TMON_TEST_DATABASE_URL is not set');
    });
  });
} else {
  describeChurnVacuum(TEST_DATABASE_URL);
}

function describeChurnVacuum(url: string): void {
  describe('PostgreSQL churn vacuum', () => {
    let temp: TempPostgresSchema;
    let store: Store;
    let serviceId: number;
    let pool: pg.Pool;
    let now = T0;

    before(async () => {
      temp = await createTempSchema(url);
      // the store's own turns an hour apart: the tests call vacuumNow() themselves
      store = await temp.openStore({ foldDelayMs: HOUR, churnVacuumMs: HOUR });
      await store.migrate();
      const user = await store.accounts.createUser({ name: 'ann', passwordHash: 'h', admin: false, now: T0 });
      serviceId = (
        await store.accounts.createService({ name: 'shop', ownerId: user.id, secret: 'a'.repeat(32), now: T0 })
      ).id;
      pool = openPool({ url, schema: temp.schema });
    });
    after(async () => {
      await pool.end();
      await temp.drop();
    });

    /** Writes and folds (a ranking read folds first) `rounds` times: each fold updates the same window rows. */
    async function churn(rounds: number, between?: (round: number) => Promise<unknown>): Promise<void> {
      for (let round = 0; round < rounds; round++) {
        now += SECOND;
        const events = ['/a', '/b', '/c'].map((url) => makeEvent({ ts: now, url }));
        await store.events.writeEvents([plainWrite(serviceId, events)], now);
        await store.events.topValues(serviceId, 'url', '24h', 10, now);
        await between?.(round);
      }
    }

    const heapBytes = async (table: string) =>
      Number(
        (await temp.query<{ bytes: string }>('SELECT pg_relation_size($1::regclass) AS bytes', [table]))[0]?.bytes,
      );

    it('lets the tables rewritten by every fold reuse their space instead of growing', async () => {
      const vacuum = new PostgresChurnVacuum(pool, (error) => assert.fail(String(error)), HOUR);
      try {
        await churn(20);
        await vacuum.vacuumNow();
        const before = await heapBytes('window_counts');
        // left alone, each fold leaves a dead version of every window row it updated
        await churn(150);
        const grownAlone = (await heapBytes('window_counts')) - before;
        assert.ok(grownAlone > 8192 * 4, `window_counts grew ${grownAlone} bytes in 150 folds without a vacuum`);

        await vacuum.vacuumNow();
        const vacuumed = await heapBytes('window_counts');
        await churn(150, (round) => (round % 15 === 14 ? vacuum.vacuumNow() : Promise.resolve()));
        const grownVacuumed = (await heapBytes('window_counts')) - vacuumed;
        assert.ok(
          grownVacuumed <= grownAlone / 4,
          `with a vacuum every 15 folds window_counts grew ${grownVacuumed} bytes, against ${grownAlone} without`,
        );
        const [stats] = await temp.query<{ vacuum_count: string }>(
          "SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = 'rollup_queue'::regclass",
        );
        assert.ok(Number(stats?.vacuum_count) >= 12, 'every churn table is vacuumed, rollup_queue among them');
      } finally {
        await vacuum.close();
      }
    });

    it('takes its turn in one process at a time: another skips while one holds it', async () => {
      const vacuum = new PostgresChurnVacuum(pool, (error) => assert.fail(String(error)), HOUR);
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        await other.query(`SET search_path TO ${temp.schema}`);
        await other.query(`SELECT pg_advisory_lock(${lockKey(LOCK_VACUUM)})`);
        assert.equal(await vacuum.vacuumNow(), false);
        await other.query(`SELECT pg_advisory_unlock(${lockKey(LOCK_VACUUM)})`);
        assert.equal(await vacuum.vacuumNow(), true);
      } finally {
        await other.end();
        await vacuum.close();
      }
    });

    it('runs on its own while a store is open, and stops when it closes', async () => {
      const count = async () =>
        Number(
          (
            await temp.query<{ n: string }>(
              "SELECT vacuum_count AS n FROM pg_stat_user_tables WHERE relid = 'window_counts'::regclass",
            )
          )[0]?.n,
        );
      const second = await temp.openStore({ foldDelayMs: HOUR, churnVacuumMs: 50 });
      const start = await count();
      await second.migrate();
      const deadline = Date.now() + 10_000;
      while ((await count()) === start && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok((await count()) > start, 'the open store vacuumed within 10 s');
      await second.close();
      const afterClose = await count();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await count(), afterClose, 'no vacuum after close');
    });

    it('reports a failed turn and tries again on the next', async () => {
      // a schema without tmon's tables: every turn fails
      const empty = await createTempSchema(url);
      const emptyPool = openPool({ url, schema: empty.schema });
      const errors: string[] = [];
      const vacuum = new PostgresChurnVacuum(emptyPool, (error) => errors.push((error as Error).message), 20);
      try {
        const deadline = Date.now() + 10_000;
        while (errors.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.ok(errors.length >= 2, `two failed turns reported, got ${errors.length}`);
        assert.match(
          errors[0] as string,
          /^vacuuming tmon's churn tables failed \(tried again later\): .*window_counts/,
        );
      } finally {
        await vacuum.close();
        await emptyPool.end();
        await empty.drop();
      }
    });
  });
}
