/**
 * Seeds a service's events straight through the store (openSqliteStore +
 * writeEvents), as the server's group commit would: groups of ~5,000 events,
 * the real `now` on every write, event times spread over the last `days`
 * days up to the moment of each write. Prints progress with an ETA.
 */
import type { EventStore } from '../../src/store/event-store.js';
import type { EventWrite } from '../../src/store/store.js';
import { int } from './report.js';
import { SeedEvents } from './seed-data.js';

const GROUP_EVENTS = 5_000;
/** events per EventWrite: one collect request's batch */
const WRITE_EVENTS = 100;
const DAY_MS = 86_400_000;

export interface SeedResult {
  events: number;
  seconds: number;
  shape: SeedEvents['shape'];
}

export async function seedEvents(
  store: EventStore,
  serviceId: number,
  total: number,
  days: number,
): Promise<SeedResult> {
  const source = new SeedEvents();
  const started = Date.now();
  const first = started - days * DAY_MS;
  let lastReport = started;
  for (let done = 0; done < total; ) {
    const now = Date.now();
    const count = Math.min(GROUP_EVENTS, total - done);
    const writes: EventWrite[] = [];
    for (let i = 0; i < count; i += WRITE_EVENTS) {
      const events = [];
      for (let k = i; k < Math.min(count, i + WRITE_EVENTS); k++) {
        // evenly over [first, now]: the last group ends at the moment it is written
        events.push(source.event(Math.floor(first + ((done + k) / total) * (now - first))));
      }
      writes.push({ serviceId, events, replayKey: null, replayKeyExpiresAt: null });
    }
    await store.writeEvents(writes, now);
    done += count;
    if (now - lastReport >= 5_000 || done === total) {
      lastReport = now;
      const seconds = (Date.now() - started) / 1000;
      const rate = done / seconds;
      process.stdout.write(
        `  seeded ${int(done)} / ${int(total)} events, ${int(rate)} events/s, ETA ${int((total - done) / rate)} s\n`,
      );
    }
  }
  return { events: total, seconds: (Date.now() - started) / 1000, shape: source.shape };
}
