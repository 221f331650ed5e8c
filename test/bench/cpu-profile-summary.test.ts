/**
 * bench:logs' CPU profile summary: self time by stage, built-ins counted for
 * their caller's file, idle left out, the threads' profiles of a process summed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SERVER_BUCKETS, summariseProfiles } from '../../bench/support/cpu-profile-summary.js';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url, lineNumber: 9, columnNumber: 0, scriptId: String(id) },
  hitCount: 0,
  children,
});

/** root → (program), (idle), (garbage collector), onRequest (web) → JSON.parse (built-in) and enrich (enrich) */
const PROFILE = {
  nodes: [
    frame(1, '(root)', '', [2, 3, 4, 5]),
    frame(2, '(program)', ''),
    frame(3, '(idle)', ''),
    frame(4, '(garbage collector)', ''),
    frame(5, 'onRequest', 'file:///repo/dist/src/web/collect/route.js', [6, 7]),
    frame(6, 'parse', ''),
    frame(7, 'locate', 'file:///repo/dist/src/enrich/geoip.js'),
  ],
  startTime: 0,
  endTime: 0,
  // each sample lasts until the next one: the last sample's time is not known and counts nothing
  samples: [5, 6, 6, 7, 3, 3, 3, 4, 2, 5],
  timeDeltas: [0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000],
};

describe('bench:logs CPU profile summary', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-cpuprofile-'));
    await writeFile(path.join(dir, 'CPU.main.cpuprofile'), JSON.stringify(PROFILE));
    await writeFile(path.join(dir, 'CPU.worker.cpuprofile'), JSON.stringify(PROFILE));
    await writeFile(path.join(dir, 'notes.txt'), 'not a profile');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('sums self time by stage over every thread, a built-in counted for its caller and idle left out', async () => {
    const summary = await summariseProfiles(dir, SERVER_BUCKETS, 3);
    assert.equal(summary.files, 2);
    const ms = Object.fromEntries(summary.buckets.map((b) => [b.name, b.ms]));
    // per file: onRequest 1 ms + JSON.parse (its child) 2 + 3 ms; locate 4 ms; idle 5+6+7 ms out; GC 8 ms; (program) 9 ms
    assert.equal(ms['HTTP (web, fastify, gunzip)'], 2 * 6);
    assert.equal(ms['enrichment (GeoIP, user agent)'], 2 * 4);
    assert.equal(ms['garbage collection'], 2 * 8);
    assert.equal(ms.other, 2 * 9);
    assert.equal(ms['insert (store, rollups)'], 0);
    assert.equal(summary.totalMs, 2 * (6 + 4 + 8 + 9));
    assert.deepEqual(
      summary.top.map((fn) => [fn.name, fn.bucket, fn.ms]),
      [
        ['(program)', 'other', 18],
        ['(garbage collector)', 'garbage collection', 16],
        ['parse', 'HTTP (web, fastify, gunzip)', 10],
      ],
    );
  });
});
