/**
 * Several logs are sent oldest first, as they were written: by the time of
 * each one's first line that parses (rotated files carry no other reliable
 * order: `access.log.10.gz` sorts before `access.log.2.gz` by name, and
 * copying or unpacking resets modification times). A source with no such line
 * among its first lines falls back on its modification time, and stdin
 * without one goes last. Ties keep the order given.
 */
import { isLogRefusal, type LineParser } from '../../logs/log-record.js';
import { decompressed, lineSlices } from './log-lines.js';
import type { LogSource } from './log-source.js';

/** lines looked at per source: a log whose first thousand lines all fail will not be sorted better by more */
export const HEAD_LINES = 1_000;

export async function oldestFirst(sources: readonly LogSource[], parse: LineParser): Promise<LogSource[]> {
  if (sources.length < 2) return [...sources];
  const keyed = [];
  for (const source of sources)
    keyed.push({ source, time: (await firstTime(source, parse)) ?? source.mtimeMs ?? Infinity });
  return keyed.sort((a, b) => a.time - b.time).map((entry) => entry.source);
}

/** The time of the source's first line that parses, or null when none of its first HEAD_LINES does. */
export async function firstTime(source: LogSource, parse: LineParser): Promise<number | null> {
  let seen = 0;
  for await (const slice of lineSlices(decompressed(source.head()))) {
    for (const line of slice.lines) {
      const result = parse(line.text);
      if (!isLogRefusal(result)) return result.ts;
      if (++seen >= HEAD_LINES) return null;
    }
  }
  return null;
}
