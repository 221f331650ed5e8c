/**
 * Follows one path the way `tail -F` does. Each read first looks at what the
 * path names now:
 * - another file (another device or inode), or none: the log was rotated by
 *   rename (or deleted); the old file stays open and is read to its end, and
 *   for a while after, because the web server keeps writing into it until it
 *   reopens its log; the new file is read from its start;
 * - the same file, smaller than what was read, or with another first line:
 *   it was truncated in place (copytruncate), so it is read again from 0,
 *   after the lines it had gained since the last read are taken from the copy
 *   logrotate made (`<path>.1`, or `<path>-<date>` with dateext; known by its
 *   first line);
 * - nothing yet: the file may appear later, and is then read from its start.
 * A restart finds where it stopped by the state file's device, inode and
 * first line, or the rest of that file in its rotated copy when it was
 * rotated while the follower was stopped.
 */
import type { BigIntStats } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import nodePath from 'node:path';
import { CommandFailed } from '../../args.js';
import { readFirstLineHash } from './first-line.js';
import { endOfLastLine, type FileLine, READ_CHUNK_BYTES, readCompleteLines } from './read-lines.js';

/** Where a path's reading stands: what the offset state file keeps per path. */
export interface TailPosition {
  readonly dev: string;
  readonly ino: string;
  /** the hash of the file's first line, as in its line ids */
  readonly firstLine: string;
  /** where the next line to send starts */
  readonly offset: number;
}

export interface TailedLine extends FileLine {
  /** the hash of its file's first line: the line id's first half */
  readonly firstLine: string;
}

export interface FileTailOptions {
  /** where an earlier run stopped, from the state file */
  readonly resume?: TailPosition | undefined;
  /** with no earlier position, a file that is there at the start is read from its end (its past is for `tmon logs import`) */
  readonly startAtEnd?: boolean;
  readonly now?: () => number;
}

/**
 * A renamed-away file that has not grown for this long is closed: nginx and
 * Apache reopen their logs within moments of logrotate's signal, so a quiet
 * old file will get no more lines.
 */
export const RETIRED_QUIET_MS = 5_000;

/**
 * The names logrotate gives the newest rotated log: `<path>.1`, or with
 * `dateext` `<path>-20261207` (its default dateformat, or one down to the
 * hour or second). A copy is only taken when its first line is the file's.
 */
const ROTATED_NAME = /^(?:\.1|-\d{8}(?:\d{2}|\d{6})?)$/;
/** the newest few such files are looked at; older ones hold older files */
const ROTATED_COPIES_LOOKED_AT = 3;

interface OpenFile {
  readonly handle: FileHandle;
  readonly dev: string;
  readonly ino: string;
  firstLine: string | null;
  offset: number;
  lastGrowthAt: number;
}

export class FileTail {
  private current: OpenFile | null = null;
  private readonly retired: OpenFile[] = [];
  private resume: TailPosition | undefined;
  private firstLook = true;
  /** whether the file at the path is the one the earlier run stopped in */
  private resumed = false;
  private readonly startAtEnd: boolean;
  private readonly now: () => number;
  /** one per tail, reused: a followed file is looked at four times a second */
  private readonly readBuffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);

  constructor(
    readonly path: string,
    options: FileTailOptions = {},
  ) {
    this.resume = options.resume;
    this.startAtEnd = options.startAtEnd ?? false;
    this.now = options.now ?? Date.now;
  }

  /** Up to `maxLines` complete new lines: the rest of rotated-away files first, then the file at the path. */
  async read(maxLines: number): Promise<TailedLine[]> {
    await this.lookAtPath();
    const lines: TailedLine[] = [];
    for (const file of [...this.retired]) {
      // a rotated file written over in place (another rotation copied onto it) holds none of its old lines
      if ((await readFirstLineHash(file.handle)) !== file.firstLine) {
        await this.closeRetired(file);
        continue;
      }
      const budget = maxLines - lines.length;
      const read = await this.readFrom(file, budget);
      lines.push(...read);
      const quiet = budget > 0 && read.length === 0 && this.now() - file.lastGrowthAt >= RETIRED_QUIET_MS;
      if (quiet) await this.closeRetired(file);
    }
    if (this.current) lines.push(...(await this.readFrom(this.current, maxLines - lines.length)));
    return lines;
  }

  /** The file at the path and how far it was read, or null before its first line. */
  position(): TailPosition | null {
    const file = this.current;
    if (file === null || file.firstLine === null) return null;
    return { dev: file.dev, ino: file.ino, firstLine: file.firstLine, offset: file.offset };
  }

  async close(): Promise<void> {
    for (const file of [...this.retired]) await this.closeRetired(file);
    await this.current?.handle.close();
    this.current = null;
  }

  private async lookAtPath(): Promise<void> {
    const info = await statOrNull(this.path);
    const current = this.current;
    if (current && (info === null || !sameFile(current, info))) {
      this.retired.push(current);
      current.lastGrowthAt = this.now();
      this.current = null;
    } else if (current && info) {
      await this.noticeTruncation(current, Number(info.size));
    }
    if (this.current === null && info !== null) await this.openCurrent();
    const resume = this.firstLook ? this.resume : undefined;
    if (resume && !this.resumed) await this.finishRotatedCopy(resume.firstLine, resume.offset);
    this.firstLook = false;
    this.resume = undefined;
  }

  private async openCurrent(): Promise<void> {
    const handle = await openOrNull(this.path);
    if (handle === null) return;
    const info = await handle.stat({ bigint: true });
    const file: OpenFile = {
      handle,
      dev: info.dev.toString(),
      ino: info.ino.toString(),
      firstLine: await readFirstLineHash(handle),
      offset: 0,
      lastGrowthAt: this.now(),
    };
    const size = Number(info.size);
    const resume = this.firstLook ? this.resume : undefined;
    if (resume && sameFile(file, resume)) {
      // the same inode with another first line, or shorter: it was truncated while tmon was stopped
      if (file.firstLine === resume.firstLine && size >= resume.offset) {
        file.offset = resume.offset;
        this.resumed = true;
      }
    } else if (resume === undefined && this.firstLook && this.startAtEnd) {
      file.offset = await endOfLastLine(handle, size);
    }
    this.current = file;
  }

  /**
   * The rest of a file rotated away before it was read to its end, from
   * logrotate's newest copy, known by its first line: renamed while tmon was
   * stopped, or copied there just before a truncation (copytruncate), in which
   * case the lines written between the last read and the copy are only there.
   */
  private async finishRotatedCopy(firstLine: string, offset: number): Promise<void> {
    for (const candidate of await rotatedCopies(this.path)) {
      const handle = await openOrNull(candidate);
      if (handle === null) continue;
      const info = await handle.stat({ bigint: true });
      if (Number(info.size) > offset && (await readFirstLineHash(handle)) === firstLine) {
        const identity = { dev: info.dev.toString(), ino: info.ino.toString() };
        this.retired.push({ handle, ...identity, firstLine, offset, lastGrowthAt: this.now() });
        return;
      }
      await handle.close();
    }
  }

  private async noticeTruncation(file: OpenFile, size: number): Promise<void> {
    if (file.offset === 0) return;
    // a file truncated and written past the old offset between two reads is only told apart by its first line
    if (size < file.offset || (await readFirstLineHash(file.handle)) !== file.firstLine) {
      if (file.firstLine !== null) await this.finishRotatedCopy(file.firstLine, file.offset);
      file.offset = 0;
      file.firstLine = await readFirstLineHash(file.handle);
    }
  }

  private async readFrom(file: OpenFile, maxLines: number): Promise<TailedLine[]> {
    if (maxLines <= 0) return [];
    if (file.firstLine === null) file.firstLine = await readFirstLineHash(file.handle);
    const firstLine = file.firstLine;
    if (firstLine === null) return [];
    const lines = await readCompleteLines(file.handle, file.offset, maxLines, this.readBuffer);
    const last = lines.at(-1);
    if (last === undefined) return [];
    file.offset = last.end;
    file.lastGrowthAt = this.now();
    return lines.map((line) => ({ ...line, firstLine }));
  }

  private async closeRetired(file: OpenFile): Promise<void> {
    this.retired.splice(this.retired.indexOf(file), 1);
    await file.handle.close();
  }
}

/** The path's rotated copies by logrotate's names, newest first. */
async function rotatedCopies(path: string): Promise<string[]> {
  const directory = nodePath.dirname(path);
  const base = nodePath.basename(path);
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const copies: { file: string; modified: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(base) || !ROTATED_NAME.test(name.slice(base.length))) continue;
    const file = nodePath.join(directory, name);
    const info = await statOrNull(file);
    if (info?.isFile()) copies.push({ file, modified: Number(info.mtimeMs) });
  }
  copies.sort((a, b) => b.modified - a.modified);
  return copies.slice(0, ROTATED_COPIES_LOOKED_AT).map((copy) => copy.file);
}

function sameFile(a: { dev: string; ino: string }, b: BigIntStats | { dev: string; ino: string }): boolean {
  return a.dev === b.dev.toString() && a.ino === b.ino.toString();
}

async function statOrNull(path: string): Promise<BigIntStats | null> {
  try {
    return await stat(path, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function openOrNull(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // gone between the look and the open: the next read looks again
    if (code === 'ENOENT') return null;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new CommandFailed(`cannot read ${path}: permission denied (the log's group, often adm, may read it)`);
    }
    throw error;
  }
}
