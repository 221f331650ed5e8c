/**
 * Where the server's SQLite writer runs. On a thread of its own it gains a
 * core: the HTTP thread decrypts, validates and enriches while the writer
 * inserts and commits. The price is the hop: every group is copied to the
 * writer thread (structured clone, paid on both sides) and the threads wake
 * each other. On one core the two threads only take turns, so the hop is
 * pure cost: pinned to one core, batches of 100 went about a third slower
 * through the writer thread than with the writer on the HTTP thread.
 */
import type { Config } from '../config.js';

export type SqliteWriterPlace = 'thread' | 'inline';

export interface SqliteWriterPlacement {
  place: SqliteWriterPlace;
  /** for the start-up line: where, and why */
  description: string;
}

/**
 * `auto`: on the HTTP thread when this process may run on one core only
 * (`os.availableParallelism()`: its CPU affinity, as taskset or a cpuset sets
 * it), unless every commit fsyncs (`TMON_SQLITE_SYNC=full`): the thread then
 * lets HTTP go on while the disk syncs. A CPU quota (docker `--cpus=1`) is
 * not seen by the count: such a deployment sets TMON_SQLITE_WRITER=inline.
 */
export function placeSqliteWriter(
  { sqliteWriter, sqliteSynchronous }: Pick<Config, 'sqliteWriter' | 'sqliteSynchronous'>,
  cores: number,
): SqliteWriterPlacement {
  let place: SqliteWriterPlace;
  let why: string;
  if (sqliteWriter !== 'auto') {
    place = sqliteWriter;
    why = `TMON_SQLITE_WRITER=${sqliteWriter}`;
  } else if (cores >= 2) {
    place = 'thread';
    why = `${cores} cores available`;
  } else if (sqliteSynchronous === 'full') {
    place = 'thread';
    why = '1 core available, but every commit waits for the disk (TMON_SQLITE_SYNC=full)';
  } else {
    place = 'inline';
    why = '1 core available';
  }
  const where = place === 'thread' ? 'SQLite writer on its own thread' : 'SQLite writer on the HTTP thread';
  return { place, description: `${where} (${why})` };
}
