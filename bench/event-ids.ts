/**
 * npm run bench:event-ids: what the kind of idempotency id senders give their
 * events costs the store (SQLite, or PostgreSQL with `--store postgres`).
 * Each kind writes realistic events into a store of its own (as the server's
 * group commit would: many single-event requests per commit) in alternating
 * slices, so the machine's drift hits all alike; the CPU of the writes (ids
 * made beforehand; PostgreSQL's server processes included) and the bytes
 * written (SQLite: what this process wrote, WAL frames and checkpoints;
 * PostgreSQL: its WAL) are summed per kind and compared with ids that grow
 * like a counter, the baseline.
 *
 * Every id goes into a unique index per service (docs/protocol.md: an id is
 * stored once). Ids that start with the time (UUIDv7, what tmon's Node client
 * sends) land together at the end of that index; random ones (UUIDv4) each
 * land on a page of their own, which the commit then writes whole.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { timeOrderedId } from '@tmon/client';
import pg from 'pg';
import { openPostgresStore } from '../src/store/postgres/postgres-store.js';
import { SQLITE_FILE_NAME } from '../src/store/sqlite/database.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { EventWrite, Store } from '../src/store/store.js';
import { parseOptions } from './support/args.js';
import { createBenchSchema, DEFAULT_DATABASE_URL } from './support/postgres.js';
import { cpuSince, cpuSnapshot } from './support/proc-cpu.js';
import { fixed, int, machineLine, megabytes, table } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';
import { SeedEvents } from './support/seed-data.js';

const options = parseOptions('npm run bench:event-ids --', {
  events: { kind: 'number', default: 600_000, help: 'events written per kind of id' },
  group: {
    kind: 'number',
    default: 25,
    help: 'single-event writes per commit (the server groups what one loop turn reads)',
  },
  slices: { kind: 'number', default: 6, help: 'the kinds take turns in this many slices' },
  store: {
    kind: 'string',
    default: 'sqlite',
    help: 'sqlite or postgres (a schema tmon_bench_<random> per kind, dropped)',
  },
  'database-url': { kind: 'string', default: DEFAULT_DATABASE_URL, help: 'the PostgreSQL for --store postgres' },
  record: RECORD_OPTION,
});
const onPostgres = options.store === 'postgres';
if (!onPostgres && options.store !== 'sqlite')
  throw new Error(`--store must be sqlite or postgres, got "${options.store}"`);

interface IdKind {
  name: string;
  what: string;
  /** null: the event carries no id */
  id(n: number, now: number): string | null;
}

const KINDS: readonly IdKind[] = [
  // as long as a UUID, so only the order differs from the others
  { name: 'counter', what: 'the baseline: e-<n>, padded to 36 characters', id: (n) => `e-${n}`.padEnd(36, '.') },
  { name: 'UUIDv7', what: "time first (tmon's Node client)", id: (_n, now) => timeOrderedId(now) },
  { name: 'UUIDv4', what: 'random (crypto.randomUUID())', id: () => randomUUID() },
  // what any id costs: an event without one is not deduplicated, so nothing goes into the id index
  { name: 'none', what: 'no id at all', id: () => null },
];

interface Contender {
  kind: IdKind;
  store: Store;
  /** removes the store's data directory or schema (after close) */
  remove(): Promise<void>;
  /** the database's size at the end */
  size(): Promise<number>;
  serviceId: number;
  written: number;
  cpuMicros: number;
  bytesWritten: number;
}

/** --store postgres: reads the WAL position (what a slice wrote) and the schemas' sizes. */
const postgresClient = onPostgres ? new pg.Client({ connectionString: options['database-url'] }) : null;

/** SQLite: bytes this process has written through write(2)/pwrite(2), WAL frames and checkpoints; PostgreSQL: WAL bytes. */
async function bytesWrittenSoFar(): Promise<number> {
  if (postgresClient !== null) {
    const { rows } = await postgresClient.query<{ bytes: string }>(
      `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS bytes`,
    );
    return Number(rows[0]?.bytes);
  }
  const io = await readFile('/proc/self/io', 'utf8');
  const match = /^wchar: (\d+)$/m.exec(io);
  if (match === null) throw new Error('/proc/self/io has no wchar line');
  return Number(match[1]);
}

async function openFor(): Promise<Pick<Contender, 'store' | 'remove' | 'size'>> {
  if (onPostgres) {
    const url = options['database-url'];
    const schema = await createBenchSchema(url);
    const store = await openPostgresStore({ url, schema: schema.schema });
    const size = async () => {
      const { rows } = await postgresClient!.query<{ bytes: string }>(
        `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind = 'r'`,
        [schema.schema],
      );
      return Number(rows[0]?.bytes);
    };
    return { store, remove: () => schema.drop(), size };
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-ids-'));
  const store = await openSqliteStore({ dataDir, writesEvents: true });
  return {
    store,
    remove: () => rm(dataDir, { recursive: true, force: true }),
    size: async () => (await stat(path.join(dataDir, SQLITE_FILE_NAME))).size,
  };
}

async function open(kind: IdKind): Promise<Contender> {
  const { store, remove, size } = await openFor();
  await store.migrate();
  const now = Date.now();
  const owner = await store.accounts.createUser({ name: 'bench', passwordHash: 'unused', admin: true, now });
  const service = await store.accounts.createService({ name: 'bench', ownerId: owner.id, secret: 'x'.repeat(32), now });
  return { kind, store, remove, size, serviceId: service.id, written: 0, cpuMicros: 0, bytesWritten: 0 };
}

/** One slice: `count` events in commits of options.group single-event writes, ids made before the clock starts. */
async function writeSlice(contender: Contender, source: SeedEvents, count: number): Promise<void> {
  const groups: EventWrite[][] = [];
  for (let done = 0; done < count; done += options.group) {
    const now = Date.now();
    const group: EventWrite[] = [];
    for (let k = 0; k < Math.min(options.group, count - done); k++) {
      const event = { ...source.event(now), id: contender.kind.id(contender.written + done + k, now) };
      group.push({ serviceId: contender.serviceId, events: [event], replayKey: null, replayKeyExpiresAt: null });
    }
    groups.push(group);
  }
  const bytesBefore = await bytesWrittenSoFar();
  const cpuBefore = cpuSnapshot([], onPostgres);
  for (const group of groups) await contender.store.events.writeEvents(group, Date.now());
  const cpu = cpuSince(cpuBefore);
  // this process (the store's JavaScript, SQLite) and PostgreSQL's server processes
  contender.cpuMicros += (cpu.loadGenerator + cpu.postgres) * 1e6;
  contender.bytesWritten += (await bytesWrittenSoFar()) - bytesBefore;
  contender.written += count;
}

async function main(): Promise<void> {
  await postgresClient?.connect();
  process.stdout.write(
    `tmon event-id benchmark: the ${onPostgres ? 'PostgreSQL' : 'SQLite'} store's cost per event by kind of idempotency id\n`,
  );
  process.stdout.write(`${machineLine()}\n`);
  process.stdout.write(
    'note: one process writes every store in turn: compare the ratios of one run, not figures across runs\n',
  );
  const setup =
    `${onPostgres ? 'PostgreSQL' : 'SQLite'} store, ${int(options.events)} events per kind, ` +
    `${options.group} single-event writes per commit, kinds alternating in ${options.slices} slices`;
  process.stdout.write(`${setup}\n`);
  const contenders = await Promise.all(KINDS.map(open));
  const source = new SeedEvents();
  try {
    try {
      const perSlice = Math.ceil(options.events / options.slices);
      for (let slice = 0; slice < options.slices; slice++) {
        for (const contender of contenders) {
          await writeSlice(contender, source, Math.min(perSlice, options.events - contender.written));
        }
        process.stdout.write(`  slice ${slice + 1} / ${options.slices} written\n`);
      }
    } finally {
      // closing checkpoints the WAL into the database file, whose size is reported
      await Promise.all(contenders.map((c) => c.store.close()));
    }
    const baseline = contenders[0] as Contender;
    const perEvent = (c: Contender) => c.cpuMicros / c.written;
    const written = onPostgres ? 'KB of WAL/event' : 'KB written/event';
    const rows = [['ids', 'what', 'CPU µs/event', 'vs counter', written, 'database']];
    for (const c of contenders) {
      const size = await c.size();
      rows.push([
        c.kind.name,
        c.kind.what,
        fixed(perEvent(c), 2),
        `${fixed(perEvent(c) / perEvent(baseline), 2)}×`,
        fixed(c.bytesWritten / c.written / 1024, 2),
        megabytes(size),
      ]);
    }
    process.stdout.write(`\n${table(rows)}\n`);
    if (options.record) {
      const command = commandAsTyped('bench:event-ids', 'bench/event-ids.ts');
      await recordResults({ benchmark: 'bench:event-ids', command, figures: [setup, table(rows)], targets: [] });
      process.stdout.write('figures recorded in bench/RESULTS.md\n');
    }
  } finally {
    await Promise.all(contenders.map((c) => c.remove()));
    await postgresClient?.end();
  }
}

await main();
