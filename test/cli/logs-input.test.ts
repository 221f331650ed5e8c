/** How tmon logs import reads its inputs: lines and their offsets, gzip told by its bytes, stdin read twice, oldest first. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decompressed, type LineSlice, lineSlices } from '../../src/cli/logs/log-lines.js';
import { openLogSources } from '../../src/cli/logs/log-source.js';
import { oldestFirst } from '../../src/cli/logs/source-order.js';
import { compileLogFormat } from '../../src/logs/formats.js';
import { firstLineHash } from '../../src/logs/line-id.js';

async function* chunksOf(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

async function collect(slices: AsyncIterable<LineSlice>): Promise<{ hash: string; lines: [string, number][] }> {
  const lines: [string, number][] = [];
  let hash = '';
  for await (const slice of slices) {
    hash = slice.fileHash;
    for (const line of slice.lines) lines.push([line.text, line.offset]);
  }
  return { hash, lines };
}

const combined = (day: number) =>
  `198.51.100.7 - - [${String(day).padStart(2, '0')}/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8"\n`;

describe('reading log lines', () => {
  it('gives each line with its byte offset, across chunk edges, dropping \\r and keeping a last line without newline', async () => {
    const { hash, lines } = await collect(lineSlices(chunksOf('first\r\nsec', 'ond\n', 'ü\n\nlast')));
    assert.deepEqual(lines, [
      ['first', 0],
      ['second', 7],
      ['ü', 14],
      ['', 17],
      ['last', 18],
    ]);
    assert.equal(hash, firstLineHash(Buffer.from('first\r\n'), false));
  });

  it('gives the same lines and offsets however the content is cut into chunks: ASCII, UTF-8, bad bytes, \\r, empty lines', async () => {
    const pieces = ['GET /a', 'ü', '€😀', '\r', '\n', '\n', '\r\n', 'x'.repeat(40), '\xff', ' '];
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 200; run++) {
      const parts: Buffer[] = [];
      for (let i = 0; i < 60; i++) {
        const piece = pieces[Math.floor(random() * pieces.length)]!;
        parts.push(piece === '\xff' ? Buffer.from([0xff]) : Buffer.from(piece));
      }
      const content = Buffer.concat(parts);
      const expected: [string, number][] = [];
      for (let start = 0; start < content.length; ) {
        const newline = content.indexOf(0x0a, start);
        const end = newline === -1 ? content.length : newline;
        const text = content.toString('utf8', start, end);
        expected.push([text.endsWith('\r') ? text.slice(0, -1) : text, start]);
        start = end + 1;
      }
      const cuts: Buffer[] = [];
      for (let at = 0; at < content.length; ) {
        const size = 1 + Math.floor(random() * 40);
        cuts.push(content.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual((await collect(lineSlices(chunksOf(...cuts)))).lines, expected, `run ${run}`);
    }
  });

  it('gives the same lines from chunks of hundreds of KiB, with lines of every length up to 100 KiB', async () => {
    for (const accent of ['', ' ü']) {
      const lines = Array.from({ length: 3_000 }, (_, i) =>
        i % 500 === 7
          ? `long ${'y'.repeat(100_000 + i)}`
          : `${i} GET /${'a'.repeat(i % 300)}${i === 2_000 ? accent : ''}`,
      );
      const content = Buffer.from(`${lines.join('\n')}\n`);
      const expected: [string, number][] = [];
      let offset = 0;
      for (const line of lines) {
        expected.push([line, offset]);
        offset += Buffer.byteLength(line) + 1;
      }
      const halves = [content.subarray(0, 300_000), content.subarray(300_000)];
      assert.deepEqual((await collect(lineSlices(chunksOf(...halves)))).lines, expected);
    }
  });

  it('names a file with one unterminated line by that line', async () => {
    const { hash, lines } = await collect(lineSlices(chunksOf('only')));
    assert.deepEqual(lines, [['only', 0]]);
    assert.equal(hash, firstLineHash(Buffer.from('only'), true));
  });

  it('gunzips content that starts with gzip magic bytes, whatever its name, and every member of it', async () => {
    const text = 'a\nbb\nccc\n';
    const twoMembers = Buffer.concat([gzipSync('a\nbb\n'), gzipSync('ccc\n')]);
    // the magic bytes split over two chunks, as a pipe may deliver them
    const plain = await collect(lineSlices(decompressed(chunksOf(text))));
    const zipped = await collect(lineSlices(decompressed(chunksOf(twoMembers.subarray(0, 1), twoMembers.subarray(1)))));
    assert.deepEqual(zipped, plain);
    assert.deepEqual(plain.lines, [
      ['a', 0],
      ['bb', 2],
      ['ccc', 5],
    ]);
  });

  it('throws when gzipped content breaks off, after the lines before the break', async () => {
    const gzipped = gzipSync('x\n'.repeat(100_000));
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const slice of lineSlices(decompressed(chunksOf(gzipped.subarray(0, gzipped.length - 20))))) {
        for (const line of slice.lines) seen.push(line.text);
      }
    }, /unexpected end of file/);
    assert.ok(seen.length > 0);
  });
});

describe('log sources', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-logs-input-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts files oldest first by their first readable line, else by modification time', async () => {
    const parse = compileLogFormat();
    const write = async (name: string, content: string | Buffer) => {
      await writeFile(path.join(dir, name), content);
      return path.join(dir, name);
    };
    const newest = await write('access.log', `garbage\n${combined(20)}`);
    const oldest = await write('access.log.10.gz', gzipSync(combined(2)));
    const middle = await write('access.log.2.gz', gzipSync(combined(9)));
    const unreadable = await write('notes.txt', 'no access log here\n');
    // no readable line: its modification time (the 15th) places it between the 9th and the 20th
    const fifteenth = new Date(Date.UTC(2026, 10, 15));
    await utimes(unreadable, fifteenth, fifteenth);
    const sources = await openLogSources([newest, unreadable, middle, oldest], () => new PassThrough());
    const openFiles = (await readdir('/proc/self/fd')).length;
    const ordered = await oldestFirst(sources, parse);
    // a look at a head stops early: the file must be closed all the same (the close lands a tick later)
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await readdir('/proc/self/fd')).length, openFiles, 'no file left open');
    assert.deepEqual(
      ordered.map((source) => source.name),
      [oldest, middle, unreadable, newest],
    );
  });

  it('reads stdin twice: the head to sort it, then all of it from the start', async () => {
    const stdin = new PassThrough();
    const file = path.join(dir, 'later.log');
    await writeFile(file, combined(25));
    stdin.end(gzipSync(combined(3) + combined(4)));
    const sources = await openLogSources([file, '-'], () => stdin);
    const ordered = await oldestFirst(sources, compileLogFormat());
    assert.deepEqual(
      ordered.map((source) => source.name),
      ['stdin', file],
    );
    const { lines } = await collect(lineSlices(decompressed(ordered[0]!.open())));
    assert.equal(lines.length, 2);
    assert.equal(lines[1]![1], combined(3).length);
  });

  it('refuses a missing file before reading anything, and stdin named twice', async () => {
    await assert.rejects(
      openLogSources([path.join(dir, 'missing.log')], () => new PassThrough()),
      /cannot read .*missing\.log/,
    );
    await assert.rejects(
      openLogSources(['-', '-'], () => new PassThrough()),
      /stdin \(-\) can be read only once/,
    );
  });
});
