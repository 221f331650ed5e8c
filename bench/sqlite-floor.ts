/**
 * SQLite's insert alone: what storing an event costs at the least on this
 * core right now, the floor under tmon's batches (bench:ingest runs it on the
 * server's core after the batch scenario; `npx tsx bench/sqlite-floor.ts`
 * runs it alone).
 *
 * tmon's own schema, pragmas and INSERT statement (ROWS_PER_INSERT rows each), in a fresh database: rows
 * of realistic events (each with an idempotency id, as the batch scenario's
 * events have), 2,496 to a commit (about what the server's group commit
 * gathers from batches of 100). Nothing else of what tmon does per event: no
 * HTTP, decryption, parsing, enrichment, agent lookup or rollups. Prints one
 * JSON line: rows, seconds, rows per second and CPU µs per row.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openSqliteDatabase } from '../src/store/sqlite/database.js';
import { insertEventsSql, ROWS_PER_INSERT } from '../src/store/sqlite/event-inserts.js';
import {
  AGENT_ID_COLUMN,
  EVENT_TABLE_COLUMNS,
  type EventInsertParams,
  eventRowOf,
  TS_COLUMN,
} from '../src/store/sqlite/event-rows.js';
import { migrateSqlite } from '../src/store/sqlite/migrate.js';
import { parseOptions } from './support/args.js';
import { SeedEvents } from './support/seed-data.js';

const options = parseOptions('npx tsx bench/sqlite-floor.ts', {
  seconds: { kind: 'number', default: 3, help: 'how long to insert' },
  commit: { kind: 'number', default: 2_496, help: `rows per commit (a multiple of ${ROWS_PER_INSERT})` },
});

const KEY_COLUMN = EVENT_TABLE_COLUMNS.indexOf('event_key');
/** distinct rows to cycle through: a site's variety, without building millions of them */
const TEMPLATES = 5_000;

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-sqlite-floor-'));
try {
  const db = openSqliteDatabase({ dataDir });
  migrateSqlite(db, Date.now());
  const insert = db.prepare(insertEventsSql(ROWS_PER_INSERT));
  const source = new SeedEvents();
  const now = Date.now();
  const templates: EventInsertParams[] = Array.from({ length: TEMPLATES }, () => {
    const row = eventRowOf(1, source.event(now), now, 0);
    // one agents row stands for all: finding it is the agent lookup, left out here
    row[AGENT_ID_COLUMN] = 1;
    return row;
  });
  if (options.commit % ROWS_PER_INSERT !== 0) throw new Error(`--commit must be a multiple of ${ROWS_PER_INSERT}`);
  const params: EventInsertParams = new Array(ROWS_PER_INSERT * EVENT_TABLE_COLUMNS.length).fill(null);
  const commit = db.transaction((first: number, ts: number) => {
    for (let n = first; n < first + options.commit; n += ROWS_PER_INSERT) {
      let p = 0;
      for (let i = n; i < n + ROWS_PER_INSERT; i++) {
        const row = templates[i % TEMPLATES] as EventInsertParams;
        row[TS_COLUMN] = ts;
        row[KEY_COLUMN] = `floor-${i}`;
        for (const value of row) params[p++] = value;
      }
      insert.run(...params);
    }
  });

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let rows = 0;
  while (performance.now() - started < options.seconds * 1000) {
    commit.immediate(rows, Date.now());
    rows += options.commit;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  process.stdout.write(
    `${JSON.stringify({ rows, seconds, rowsPerSecond: rows / seconds, cpuMicrosPerRow: (cpu.user + cpu.system) / rows })}\n`,
  );
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
