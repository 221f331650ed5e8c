import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Caller } from '../../src/accounts/caller.js';
import { AccessWatch, type WatchedStream } from '../../src/web/data/access-watch.js';
import { FakeClock } from '../support/fake-clock.js';

const user = { id: 1, name: 'ann', passwordHash: 'h', admin: false, createdAt: 0 };
const session = (id: string): Caller => ({ user, credential: { kind: 'session', id } });

function stream(caller: Caller, serviceId: number) {
  const watched: WatchedStream & { ended: number } = {
    caller,
    serviceId,
    ended: 0,
    endAccess() {
      watched.ended++;
    },
  };
  return watched;
}

describe('the access watch of live streams', () => {
  it('checks streams of one credential and service once, and ends them all when access is gone', async () => {
    const clock = new FakeClock(0);
    const checks: string[] = [];
    let allowed = true;
    const watch = new AccessWatch({
      clock: clock.read,
      intervalMs: 60_000,
      failClosedMs: 5_000,
      onCheckFailed: () => assert.fail('no check fails here'),
      mayStillSee: async (caller, serviceId) => {
        checks.push(`${caller.credential.kind === 'session' ? caller.credential.id : '?'}:${serviceId}`);
        return allowed;
      },
    });
    const a = [stream(session('a'), 1), stream(session('a'), 1), stream(session('a'), 1)];
    const other = stream(session('b'), 1);
    for (const s of [...a, other]) watch.watch(s);
    await watch.sweep();
    assert.deepEqual(checks.sort(), ['a:1', 'b:1']);
    allowed = false;
    await watch.sweep();
    assert.deepEqual(
      [...a, other].map((s) => s.ended),
      [1, 1, 1, 1],
    );
    watch.stop();
  });

  it('keeps a stream through a failed check, and ends it once access has gone unconfirmed too long', async () => {
    const clock = new FakeClock(0);
    const failures: unknown[] = [];
    const watch = new AccessWatch({
      clock: clock.read,
      intervalMs: 60_000,
      failClosedMs: 5_000,
      onCheckFailed: (error, count) => failures.push([error, count]),
      mayStillSee: async () => {
        throw new Error('database unreachable');
      },
    });
    const s = stream(session('a'), 1);
    watch.watch(s);
    clock.advance(2_000);
    await watch.sweep();
    assert.equal(s.ended, 0, 'a blip does not end it');
    clock.advance(4_000);
    await watch.sweep();
    assert.equal(s.ended, 1);
    assert.equal(failures.length, 2);
    watch.stop();
  });

  it('stops checking a stream that is no longer watched', async () => {
    let checks = 0;
    const watch = new AccessWatch({
      clock: () => 0,
      intervalMs: 60_000,
      failClosedMs: 5_000,
      onCheckFailed: () => {},
      mayStillSee: async () => {
        checks++;
        return true;
      },
    });
    const unwatch = watch.watch(stream(session('a'), 1));
    unwatch();
    await watch.sweep();
    assert.equal(checks, 0);
    assert.equal(watch.watchedStreams, 0);
  });
});
