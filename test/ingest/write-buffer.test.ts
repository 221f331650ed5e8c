/**
 * The group commit on its own, over a store whose writeEvents the test
 * controls (when each commit ends, and whether it fails): what each caller
 * is answered, and when. The real stores under it are covered by the store
 * contract, the durability tests and the outage tests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverloadedError, WriteBuffer } from '../../src/ingest/write-buffer.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { EventWrite, EventWriteResult } from '../../src/store/store.js';
import { makeEvent, T0 } from '../support/temp-store.js';

interface HeldCommit {
  writes: readonly EventWrite[];
  succeed(): void;
  fail(error: Error): void;
}

/** What the write buffer needs of the event store. */
type CommitTarget = Pick<EventStore, 'writeEvents' | 'writeConcurrency'>;

/** A store whose commits wait until the test ends them; nextCommit() hands each out once, in order. */
function heldStore(writeConcurrency = 1): {
  store: CommitTarget;
  commits: HeldCommit[];
  nextCommit(): Promise<HeldCommit>;
} {
  const commits: HeldCommit[] = [];
  let handedOut = 0;
  let waiter: ((commit: HeldCommit) => void) | null = null;
  const writeEvents = (writes: readonly EventWrite[]) =>
    new Promise<EventWriteResult[]>((resolve, reject) => {
      commits.push({
        writes,
        succeed: () => resolve(writes.map((w) => ({ ok: true, accepted: w.events.length, stored: [] }))),
        fail: reject,
      });
      if (waiter !== null) {
        const take = waiter;
        waiter = null;
        take(commits[handedOut++] as HeldCommit);
      }
    });
  return {
    store: { writeEvents, writeConcurrency },
    commits,
    nextCommit: () =>
      handedOut < commits.length
        ? Promise.resolve(commits[handedOut++] as HeldCommit)
        : new Promise((resolve) => {
            waiter = resolve;
          }),
  };
}

function write(url: string, events = 1): EventWrite {
  return {
    serviceId: 1,
    events: Array.from({ length: events }, () => makeEvent({ url })),
    replayKey: null,
    replayKeyExpiresAt: null,
  };
}

function buffer(store: CommitTarget, maxQueuedEvents = 1_000): WriteBuffer {
  return new WriteBuffer({
    store,
    clock: () => T0,
    maxGroupEvents: 100,
    maxQueuedEvents,
    commitEachEvent: false,
    onCommitted: () => {},
  });
}

/** Settles to 'pending' when the promise has not settled by the next macrotask. */
async function state(promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
  const pending = Symbol('pending');
  const outcome = await Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<typeof pending>((resolve) => setImmediate(() => resolve(pending))),
  ]);
  return outcome === pending ? 'pending' : outcome;
}

describe('write buffer (group commit)', () => {
  it('commits the writes of one loop turn together and answers each only after that commit', async () => {
    const { store, nextCommit } = heldStore();
    const wb = buffer(store);
    const answers = [wb.submit(write('/a')), wb.submit(write('/b', 3))];
    const commit = await nextCommit();
    assert.deepEqual(
      commit.writes.map((w) => w.events[0]?.url),
      ['/a', '/b'],
    );
    assert.equal(await state(answers[0] as Promise<unknown>), 'pending', 'answered before the commit ended');
    commit.succeed();
    assert.deepEqual(
      (await Promise.all(answers)).map((r) => r.ok && r.accepted),
      [1, 3],
    );
  });

  it("starts the next group while one commits only as far as the store's writeConcurrency allows", async () => {
    for (const concurrency of [1, 2]) {
      const { store, commits, nextCommit } = heldStore(concurrency);
      const wb = buffer(store);
      const first = wb.submit(write('/first'));
      const firstCommit = await nextCommit();
      const second = wb.submit(write('/second'));
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(commits.length, concurrency, `commits running at once with writeConcurrency ${concurrency}`);
      firstCommit.succeed();
      (await nextCommit()).succeed();
      await Promise.all([first, second]);
      await wb.flush();
    }
  });

  it('refuses, with the same error, the writes queued behind a commit that fails', async () => {
    const { store, commits, nextCommit } = heldStore();
    const wb = buffer(store);
    const first = wb.submit(write('/first'));
    const commit = await nextCommit();
    // submitted while the first commit hangs: they wait for it
    const queued = [wb.submit(write('/q1')), wb.submit(write('/q2'))];
    const down = new Error('connection terminated');
    commit.fail(down);
    await assert.rejects(first, down);
    for (const answer of queued) await assert.rejects(answer, down);
    assert.equal(commits.length, 1, 'the queued writes did not wait for a commit of their own');
    assert.equal(wb.queuedEvents, 0);

    // the store is tried again for what comes next
    const later = wb.submit(write('/later'));
    (await nextCommit()).succeed();
    assert.equal((await later).ok, true);
  });

  it('refuses at once, with OverloadedError, a write that would queue more events than the bound', async () => {
    const { store, nextCommit } = heldStore();
    const wb = buffer(store, 10);
    const first = wb.submit(write('/a', 8));
    const commit = await nextCommit();
    const fits = wb.submit(write('/b', 10));
    await assert.rejects(wb.submit(write('/c', 1)), OverloadedError);
    commit.succeed();
    await first;
    (await nextCommit()).succeed();
    assert.equal((await fits).ok, true);
  });
});
