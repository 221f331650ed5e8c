/** The offset state file and the disk spool of `tmon logs follow`, on real files. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CommandFailed } from '../../src/cli/args.js';
import { followLocations } from '../../src/cli/logs/follow-locations.js';
import { loadFollowState, saveFollowState } from '../../src/cli/logs/follow-state.js';
import { Spool } from '../../src/cli/logs/spool.js';

let directory: string;
before(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'tmon-follow-state-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

const position = (offset: number) => ({
  dev: '2049',
  ino: '18446744073709551615',
  firstLine: '0123456789abcdef',
  offset,
});

describe('the follow state file', () => {
  it('gives back the positions it saved, an inode beyond 2^53 included, and leaves no temporary file', async () => {
    const stateFile = path.join(directory, 'saved.json');
    const positions = new Map([
      ['/var/log/nginx/access.log', position(1234)],
      ['/var/log/other.log', position(0)],
    ]);
    await saveFollowState(stateFile, positions);
    assert.deepEqual(await loadFollowState(stateFile), positions);
    await saveFollowState(stateFile, new Map([['/var/log/other.log', position(99)]]));
    assert.deepEqual(await loadFollowState(stateFile), new Map([['/var/log/other.log', position(99)]]));
    assert.deepEqual(
      (await readdir(directory)).filter((name) => name.includes('saved')),
      ['saved.json'],
    );
  });

  it('is empty when the file does not exist yet', async () => {
    assert.equal((await loadFollowState(path.join(directory, 'none.json'))).size, 0);
  });

  it('refuses a file that is not a follow state, saying how to start again', async () => {
    for (const [name, text] of [
      ['truncated.json', '{"version":1,"files":{"/a":{"dev"'],
      ['other-version.json', '{"version":2,"files":{}}'],
      ['bad-offset.json', JSON.stringify({ version: 1, files: { '/a': { ...position(0), offset: -1 } } })],
    ] as const) {
      const stateFile = path.join(directory, name);
      await writeFile(stateFile, text);
      await assert.rejects(loadFollowState(stateFile), (error: Error) => {
        assert.ok(error instanceof CommandFailed);
        assert.match(error.message, /is not a tmon logs follow state file \(remove it/);
        return true;
      });
    }
  });
});

describe('the default state file and spool', () => {
  it('are named by the files, in any order, under $XDG_STATE_HOME/tmon, the spool beside the state', () => {
    const one = followLocations(['/var/log/a.log', '/var/log/b.log'], {}, '/state');
    const other = followLocations(['/var/log/b.log', '/var/log/a.log'], {}, '/state');
    assert.match(one.stateFile, /^\/state\/tmon\/follow-[0-9a-f]{16}\.json$/);
    assert.equal(one.spoolDirectory, one.stateFile.replace(/\.json$/, '.spool'));
    assert.deepEqual(one, other);
    assert.notEqual(followLocations(['/var/log/a.log'], {}, '/state').stateFile, one.stateFile);
    const home = followLocations(['/var/log/a.log'], {}, 'relative');
    assert.ok(home.stateFile.startsWith(path.join(os.homedir(), '.local', 'state', 'tmon', 'follow-')));
    assert.deepEqual(followLocations(['/a'], { state: '/s/state.json', spool: '/q' }, undefined), {
      stateFile: '/s/state.json',
      spoolDirectory: '/q',
    });
  });
});

describe('the spool', () => {
  const event = (n: number) => ({
    json: JSON.stringify({ url: `/${n}`, note: 'tab\there' }),
    line: { source: '/l\tog', line: n },
  });

  it('keeps batches in their order across a reopening and continues their numbering', async () => {
    const spoolDirectory = path.join(directory, 'spool');
    const spool = await Spool.open(spoolDirectory);
    await spool.put([event(1), event(2)]);
    await spool.put([event(3)]);
    const reopened = await Spool.open(spoolDirectory);
    assert.equal(reopened.batchCount, 2);
    const first = reopened.oldest();
    assert.ok(first);
    assert.deepEqual(await reopened.events(first), [event(1), event(2)]);
    await reopened.remove(first);
    await reopened.put([event(4)]);
    const order = [];
    for (let batch = reopened.oldest(); batch !== null; batch = reopened.oldest()) {
      order.push(...(await reopened.events(batch)).map((e) => e.line.line));
      await reopened.remove(batch);
    }
    assert.deepEqual(order, [3, 4]);
    assert.deepEqual(await readdir(spoolDirectory), []);
  });

  it('says it is full once it holds its bound, and not after a batch leaves', async () => {
    const spool = await Spool.open(path.join(directory, 'small-spool'), 1);
    assert.equal(spool.full, false);
    await spool.put([event(1)]);
    assert.equal(spool.full, true);
    const batch = spool.oldest();
    assert.ok(batch);
    assert.ok((await readFile(batch.file)).length > 0);
    await spool.remove(batch);
    assert.equal(spool.full, false);
  });
});
