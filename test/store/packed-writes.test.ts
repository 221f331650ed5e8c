import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_ID_COLUMN, EVENT_TABLE_COLUMNS } from '../../src/store/sqlite/event-rows.js';
import { packWrites } from '../../src/store/sqlite/packed-writes.js';
import { makeEvent, T0 } from '../support/temp-store.js';

describe('packWrites (what crosses to the SQLite writer thread)', () => {
  it('sends each distinct agent of a group once, and each event as its table row referring to one', () => {
    const chrome = makeEvent();
    const sameObject = makeEvent({ url: '/again' });
    const shared = { ...sameObject, agent: chrome.agent }; // the parser's cache hands out one object per string
    const equalCopy = makeEvent({ url: '/copy', agent: { ...chrome.agent } });
    const otherParse = makeEvent({ url: '/bot', agent: { device: 'bot', bot: true } });
    const otherString = { ...chrome, useragent: 'curl/8.5.0', url: '/curl' };
    const packed = packWrites(
      [
        { serviceId: 1, events: [chrome, shared], replayKey: null, replayKeyExpiresAt: null },
        { serviceId: 2, events: [equalCopy, otherParse, otherString], replayKey: 'iv', replayKeyExpiresAt: T0 },
      ],
      T0,
    );
    assert.deepEqual(
      packed.agents.map((agent) => [agent[0], agent[5], agent[8]]),
      [
        [chrome.useragent, 'desktop', 0],
        [chrome.useragent, 'bot', 1],
        ['curl/8.5.0', 'desktop', 0],
      ],
    );
    assert.deepEqual(
      packed.rows.map((row) => row[AGENT_ID_COLUMN]),
      [0, 0, 0, 1, 2],
    );
    assert.ok(packed.rows.every((row) => row.length === EVENT_TABLE_COLUMNS.length));
    assert.deepEqual(
      packed.writes.map((write) => [write.serviceId, write.events, write.replayKey]),
      [
        [1, 2, null],
        [2, 3, 'iv'],
      ],
    );
  });
});
