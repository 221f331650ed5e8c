/**
 * The offset state file of `tmon logs follow`: per followed path, which file
 * it was (device, inode, first-line hash) and where the next line to send
 * starts, so a restarted follower carries on where it stopped. Written to a
 * temporary file, flushed and renamed over the old one: a crash mid-write
 * leaves the previous state, never half of one.
 */
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { CommandFailed } from '../args.js';
import type { TailPosition } from './tail/file-tail.js';

const STATE_VERSION = 1;

export type FollowPositions = ReadonlyMap<string, TailPosition>;

/** The positions an earlier run saved; none when the file does not exist yet. */
export async function loadFollowState(stateFile: string): Promise<FollowPositions> {
  let text: string;
  try {
    text = await readFile(stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const positions = parseState(text);
  if (positions === null) {
    throw new CommandFailed(
      `${stateFile} is not a tmon logs follow state file (remove it to follow from the files' ends)`,
    );
  }
  return positions;
}

export async function saveFollowState(stateFile: string, positions: FollowPositions): Promise<void> {
  const files = Object.fromEntries(positions);
  const temporary = path.join(path.dirname(stateFile), `.${path.basename(stateFile)}.${process.pid}.tmp`);
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ version: STATE_VERSION, files })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, stateFile);
}

function parseState(text: string): Map<string, TailPosition> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  if (!isObject(parsed) || parsed.version !== STATE_VERSION || !isObject(parsed.files)) return null;
  const positions = new Map<string, TailPosition>();
  for (const [file, value] of Object.entries(parsed.files)) {
    if (!isPosition(value)) return null;
    positions.set(file, { dev: value.dev, ino: value.ino, firstLine: value.firstLine, offset: value.offset });
  }
  return positions;
}

function isPosition(value: unknown): value is TailPosition {
  return (
    isObject(value) &&
    typeof value.dev === 'string' &&
    /^\d+$/.test(value.dev) &&
    typeof value.ino === 'string' &&
    /^\d+$/.test(value.ino) &&
    typeof value.firstLine === 'string' &&
    /^[0-9a-f]{16}$/.test(value.firstLine) &&
    Number.isSafeInteger(value.offset) &&
    (value.offset as number) >= 0
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
