/** The tailer of `tmon logs follow` on real files: new lines, partial lines, rotation by rename, copytruncate, late files, resuming. */
import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdtemp, open, rename, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileTail, RETIRED_QUIET_MS } from '../../src/cli/logs/tail/file-tail.js';
import { readCompleteLines } from '../../src/cli/logs/tail/read-lines.js';
import { firstLineHash } from '../../src/logs/line-id.js';

let directory: string;
before(async () => {
  directory = await mkdtemp(path.join(os.tmpdir(), 'tmon-tail-'));
});
after(async () => {
  await rm(directory, { recursive: true, force: true });
});

let fileCount = 0;
function newPath(): string {
  fileCount += 1;
  return path.join(directory, `access-${fileCount}.log`);
}

const texts = (lines: readonly { text: string }[]) => lines.map((line) => line.text);
const hashOf = (firstLine: string) => firstLineHash(Buffer.from(firstLine), true);

describe('FileTail', () => {
  it('reads appended lines with their offsets and waits for the newline of a line being written', async () => {
    const file = newPath();
    await writeFile(file, 'one\ntwo\r\nthr');
    const tail = new FileTail(file);
    const first = await tail.read(100);
    assert.deepEqual(texts(first), ['one', 'two']);
    assert.deepEqual(
      first.map((line) => [line.offset, line.end]),
      [
        [0, 4],
        [4, 9],
      ],
    );
    assert.equal(first[0]?.firstLine, hashOf('one'));
    assert.deepEqual(await tail.read(100), []);
    await appendFile(file, 'ee\nfour\n');
    const second = await tail.read(100);
    assert.deepEqual(texts(second), ['three', 'four']);
    assert.equal(second[0]?.offset, 9);
    assert.equal(tail.position()?.offset, 20);
    await tail.close();
  });

  it('gives at most the lines asked for and the rest on the next read', async () => {
    const file = newPath();
    await writeFile(file, 'a\nb\nc\n');
    const tail = new FileTail(file);
    assert.deepEqual(texts(await tail.read(2)), ['a', 'b']);
    assert.equal(tail.position()?.offset, 4);
    assert.deepEqual(texts(await tail.read(2)), ['c']);
    await tail.close();
  });

  it('finishes a file renamed away, lines written into it after the rename too, then reads the new one from its start', async () => {
    const file = newPath();
    await writeFile(file, 'old 1\n');
    const tail = new FileTail(file);
    assert.deepEqual(texts(await tail.read(100)), ['old 1']);
    await rename(file, `${file}.1`);
    // the web server keeps writing into the renamed file until it reopens its log
    await appendFile(`${file}.1`, 'old 2\n');
    await writeFile(file, 'new 1\n');
    const lines = await tail.read(100);
    assert.deepEqual(texts(lines), ['old 2', 'new 1']);
    assert.deepEqual(
      lines.map((line) => [line.firstLine, line.offset]),
      [
        [hashOf('old 1'), 6],
        [hashOf('new 1'), 0],
      ],
    );
    assert.equal(tail.position()?.firstLine, hashOf('new 1'));
    await appendFile(`${file}.1`, 'old 3\n');
    assert.deepEqual(texts(await tail.read(100)), ['old 3']);
    await tail.close();
  });

  it('drops a renamed-away file that another rotation wrote over in place', async () => {
    const file = newPath();
    await writeFile(file, 'old 1\nold 2\n');
    const tail = new FileTail(file);
    await tail.read(100);
    await rename(file, `${file}.1`);
    await writeFile(file, 'new 1\n');
    await tail.read(100);
    await writeFile(`${file}.1`, 'new 1\nwritten over the old file\n');
    assert.deepEqual(await tail.read(100), []);
    await tail.close();
  });

  it('closes a renamed-away file once it has been quiet for a while', async () => {
    const file = newPath();
    let now = 0;
    await writeFile(file, 'old 1\n');
    const tail = new FileTail(file, { now: () => now });
    await tail.read(100);
    await rename(file, `${file}.1`);
    await tail.read(100);
    now += RETIRED_QUIET_MS;
    await tail.read(100);
    await appendFile(`${file}.1`, 'too late\n');
    assert.deepEqual(await tail.read(100), []);
    await tail.close();
  });

  it('reads a file truncated in place (copytruncate) from its start', async () => {
    const file = newPath();
    await writeFile(file, 'before 1\nbefore 2\n');
    const tail = new FileTail(file);
    assert.equal((await tail.read(100)).length, 2);
    await truncate(file, 0);
    await appendFile(file, 'after 1\n');
    const lines = await tail.read(100);
    assert.deepEqual(texts(lines), ['after 1']);
    assert.deepEqual([lines[0]?.firstLine, lines[0]?.offset], [hashOf('after 1'), 0]);
    await tail.close();
  });

  it('takes the lines written just before a copytruncate from the copy in <path>.1, with their ids', async () => {
    const file = newPath();
    await writeFile(file, 'one\n');
    const tail = new FileTail(file);
    await tail.read(100);
    await appendFile(file, 'two\n');
    await copyFile(file, `${file}.1`);
    await truncate(file, 0);
    await appendFile(file, 'after\n');
    const lines = await tail.read(100);
    assert.deepEqual(
      lines.map((line) => [line.text, line.firstLine, line.offset]),
      [
        ['two', hashOf('one'), 4],
        ['after', hashOf('after'), 0],
      ],
    );
    await tail.close();
  });

  it("finds the copy under logrotate's dateext name too, by its first line, among older copies", async () => {
    const file = newPath();
    await writeFile(`${file}-20261205`, 'one\nan older file that began with the same line\n');
    await utimes(`${file}-20261205`, new Date('2026-12-05'), new Date('2026-12-05'));
    await writeFile(`${file}-20261206`, 'another first line\nand much more than one line\n');
    await writeFile(file, 'one\n');
    const tail = new FileTail(file);
    await tail.read(100);
    await appendFile(file, 'two\n');
    await copyFile(file, `${file}-2026120712`);
    await copyFile(file, `${file}.bak`);
    await truncate(file, 0);
    await appendFile(file, 'after\n');
    assert.deepEqual(texts(await tail.read(100)), ['two', 'after']);
    await tail.close();
  });

  it('takes the rest of a file copied and truncated while it was stopped from <path>.1', async () => {
    const file = newPath();
    await writeFile(file, 'one\n');
    const first = new FileTail(file);
    await first.read(100);
    const position = first.position() ?? undefined;
    await first.close();
    await appendFile(file, 'two\n');
    await copyFile(file, `${file}.1`);
    await writeFile(file, 'three\n');
    const tail = new FileTail(file, { resume: position, startAtEnd: true });
    assert.deepEqual(texts(await tail.read(100)), ['two', 'three']);
    await tail.close();
  });

  it('notices a truncation the file outgrew before the next read, by its first line', async () => {
    const file = newPath();
    await writeFile(file, 'short\n');
    const tail = new FileTail(file);
    await tail.read(100);
    await truncate(file, 0);
    await appendFile(file, 'a longer first line\nsecond\n');
    assert.deepEqual(texts(await tail.read(100)), ['a longer first line', 'second']);
    await tail.close();
  });

  it('waits for a missing file and reads it from its start once it appears', async () => {
    const file = newPath();
    const tail = new FileTail(file, { startAtEnd: true });
    assert.deepEqual(await tail.read(100), []);
    assert.equal(tail.position(), null);
    await writeFile(file, 'first\nsecond\n');
    assert.deepEqual(texts(await tail.read(100)), ['first', 'second']);
    await tail.close();
  });

  it('starts at the end of the last complete line of a file already there, with no earlier position', async () => {
    const file = newPath();
    await writeFile(file, 'past 1\npast 2\npartial');
    const tail = new FileTail(file, { startAtEnd: true });
    assert.deepEqual(await tail.read(100), []);
    await appendFile(file, ' line\nnew\n');
    assert.deepEqual(texts(await tail.read(100)), ['partial line', 'new']);
    await tail.close();
  });

  it('resumes at a saved position of the same file', async () => {
    const file = newPath();
    await writeFile(file, 'a\nb\n');
    const first = new FileTail(file);
    await first.read(1);
    const position = first.position();
    await first.close();
    const tail = new FileTail(file, { resume: position ?? undefined, startAtEnd: true });
    assert.deepEqual(texts(await tail.read(100)), ['b']);
    await tail.close();
  });

  it('reads a file that was truncated while it was stopped from its start', async () => {
    const file = newPath();
    await writeFile(file, 'a long first line\nb\n');
    const first = new FileTail(file);
    await first.read(100);
    const position = first.position() ?? undefined;
    await first.close();
    await writeFile(file, 'new\n');
    const tail = new FileTail(file, { resume: position, startAtEnd: true });
    assert.deepEqual(texts(await tail.read(100)), ['new']);
    await tail.close();
  });

  it('finishes from <path>.1 a file rotated while it was stopped, then reads the new file', async () => {
    const file = newPath();
    await writeFile(file, 'a\nb\n');
    const first = new FileTail(file);
    await first.read(1);
    const position = first.position() ?? undefined;
    await first.close();
    await rename(file, `${file}.1`);
    await writeFile(file, 'c\n');
    const tail = new FileTail(file, { resume: position, startAtEnd: true });
    assert.deepEqual(texts(await tail.read(100)), ['b', 'c']);
    await tail.close();
  });
});

describe('readCompleteLines', () => {
  it('joins a line split between two reads and leaves an unfinished last line', async () => {
    const file = newPath();
    await writeFile(file, 'abc\ndefghij\nk');
    const handle = await open(file, 'r');
    const lines = await readCompleteLines(handle, 0, 100, Buffer.alloc(8));
    await handle.close();
    assert.deepEqual(
      lines.map((line) => [line.text, line.offset, line.end]),
      [
        ['abc', 0, 4],
        ['defghij', 4, 12],
      ],
    );
  });

  it('gives a line longer than a whole read as it is, so reading moves on', async () => {
    const file = newPath();
    await writeFile(file, '0123456789\nok\n');
    const handle = await open(file, 'r');
    const lines = await readCompleteLines(handle, 0, 100, Buffer.alloc(8));
    await handle.close();
    assert.deepEqual(texts(lines), ['01234567', '89', 'ok']);
  });
});
