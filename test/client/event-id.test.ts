import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeOrderedId } from '../../clients/node/src/event-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe("the client's event ids", () => {
  it('are UUIDv7s whose first 48 bits are the time in milliseconds', () => {
    for (const now of [0, 1_764_000_000_000, Date.now(), 2 ** 48 - 1]) {
      const id = timeOrderedId(now);
      assert.match(id, UUID_V7, id);
      assert.equal(timeOf(id), now, id);
    }
  });

  it('sort by time: an id of a later millisecond sorts after every id of an earlier one', () => {
    const now = Date.now();
    const earlier = Array.from({ length: 100 }, () => timeOrderedId(now));
    const later = Array.from({ length: 100 }, () => timeOrderedId(now + 1));
    assert.ok(earlier.every((a) => later.every((b) => a < b)));
  });

  it('are unique within one millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => timeOrderedId(now)));
    assert.equal(ids.size, 10_000);
  });
});
