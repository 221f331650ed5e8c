/** What the client library's tests share: a listening tmon, stored events by id, a counting fetch, waiting. */
import net from 'node:net';
import type { StoredEvent } from '../../src/store/store.js';
import { startTestTmon, type TestTmon, type TestTmonOptions } from './test-tmon.js';

export interface ListeningTmon extends TestTmon {
  url: string;
}

/** startTestTmon() on a real port: the client speaks HTTP to it. */
export async function startListeningTmon(options?: TestTmonOptions): Promise<ListeningTmon> {
  const tmon = await startTestTmon(options);
  await tmon.app.listen({ port: 0, host: '127.0.0.1' });
  const address = tmon.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(tmon, { url: `http://127.0.0.1:${port}` });
}

export async function storedEvents(tmon: TestTmon, limit = 1000): Promise<StoredEvent[]> {
  return tmon.runtime.eventStore.latestEvents(tmon.service.id, limit);
}

/** How many times each id is stored. */
export async function storedIdCounts(tmon: TestTmon): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const event of await storedEvents(tmon)) {
    if (event.id !== null) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
  }
  return counts;
}

/** The global fetch, counting its calls: how many requests the client made. */
export function countingFetch(): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  return {
    fetch: (input, init) => {
      calls += 1;
      return fetch(input, init);
    },
    calls: () => calls,
  };
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A port nobody listens on right now (the OS picks it; it is released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
