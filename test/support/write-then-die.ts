/**
 * A child process for the crash test: opens the store in argv[2], writes
 * argv[4] events to service argv[3] at T0, then kills itself with SIGKILL
 * before anything could flush (the rollups of those events only exist in
 * its memory).
 */
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { makeEvent, T0 } from './temp-store.js';

const [dataDir, serviceId, count] = process.argv.slice(2);
if (!dataDir || !serviceId || !count) throw new Error('usage: write-then-die DATA_DIR SERVICE_ID COUNT');
const store = await openSqliteStore({ dataDir });
await store.migrate();
const events = Array.from({ length: Number(count) }, (_, i) => makeEvent({ url: `/crash/${i % 3}` }));
await store.events.writeEvents(
  [{ serviceId: Number(serviceId), events, replayKey: null, replayKeyExpiresAt: null }],
  T0,
);
process.kill(process.pid, 'SIGKILL');
