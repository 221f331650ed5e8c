import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImportTally, thousands } from '../../src/cli/logs/import-summary.js';
import { progressLine } from '../../src/cli/logs/progress.js';

const at = (line: number, source = 'access.log') => ({ source, line });

describe('the import summary', () => {
  it('lists refused lines by reason, most frequent first, with the first line numbers', () => {
    const tally = new ImportTally(1);
    tally.linesRead = 120_431;
    tally.accepted = 120_400;
    for (const line of [17, 5_210, 88_001, 90_000]) tally.refuseLine('no_match', at(line));
    for (const line of [9, 12]) tally.refuseLine('bad_time', at(line));
    assert.equal(
      tally.summary(),
      'read 120,431 lines; tmon accepted 120,400 events; refused 6 lines: no_match 4 (lines 17, 5,210, 88,001, …), bad_time 2 (lines 9, 12)',
    );
  });

  it('names the file of each line when the import has several, and what tmon refused by its message', () => {
    const tally = new ImportTally(2);
    tally.linesRead = 3;
    tally.accepted = 1;
    tally.refuseLine('empty', at(2, 'access.log.1'));
    tally.refusedByTmon([{ line: at(1, 'access.log'), message: 'extra properties exceed 4096 bytes of JSON' }]);
    tally.unreadable.set('old.log.gz', 'unexpected end of file (after line 7)');
    assert.equal(
      tally.summary(),
      'read 3 lines; tmon accepted 1 event; refused 1 line: empty 1 (access.log.1 line 2); ' +
        'tmon refused 1 event: "extra properties exceed 4096 bytes of JSON" 1 (access.log line 1); ' +
        'could not read old.log.gz to its end: unexpected end of file (after line 7)',
    );
    assert.equal(tally.refusedLines, 2);
    assert.deepEqual(tally.toJson(), {
      lines_read: 3,
      accepted: 1,
      refused_lines: 2,
      refused: { empty: { count: 1, lines: ['access.log.1:2'] } },
      refused_by_tmon: { 'extra properties exceed 4096 bytes of JSON': { count: 1, lines: ['access.log:1'] } },
      unreadable: { 'old.log.gz': 'unexpected end of file (after line 7)' },
    });
  });

  it('says nothing of refusals when there were none', () => {
    const tally = new ImportTally(1);
    tally.linesRead = 1;
    tally.accepted = 1;
    assert.equal(tally.summary(), 'read 1 line; tmon accepted 1 event');
  });

  it('writes counts with thousands separators', () => {
    assert.equal(thousands(0), '0');
    assert.equal(thousands(1234567), '1,234,567');
  });
});

describe('the progress line', () => {
  const state = { lines: 1_234_567, bytes: 380, totalBytes: 1_000, elapsedMs: 10_000, source: 'access.log.1' };

  it('draws a bar, the share, lines and lines per second on a terminal', () => {
    assert.equal(
      progressLine(state, true),
      '[#########---------------]  38%  1,234,567 lines  123,457 lines/s  access.log.1',
    );
  });

  it('writes the share without a bar elsewhere, and leaves it out when the size is unknown (stdin)', () => {
    assert.equal(progressLine(state, false), '38%  1,234,567 lines  123,457 lines/s  access.log.1');
    assert.equal(
      progressLine({ ...state, totalBytes: null, source: 'stdin' }, true),
      '1,234,567 lines  123,457 lines/s  stdin',
    );
  });

  it('shows a full bar at the end and no rate before any time has passed', () => {
    assert.match(progressLine({ ...state, bytes: 1_000 }, true), /^\[#{24}\] 100% /);
    assert.match(progressLine({ ...state, elapsedMs: 0 }, false), / 0 lines\/s /);
  });
});
