/**
 * Access logs written the way nginx's `combined` format writes them, from a
 * seeded random source, with what a reader of the file should find in them
 * (per country, per UTC day, per url) counted here, independently of tmon.
 */
import type { Random } from '../../src/loadgen/random.js';
import { pickUniform } from '../../src/loadgen/random.js';

export interface LogLine {
  ip: string;
  ts: number;
  url: string;
  status: number;
  useragent: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PATHS = ['/', '/pricing', '/docs/install', '/blog/rotation', '/api/orders?page=2', '/shop/cart', '/login'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
];

/** `count` requests spread evenly from `from` to `to` (ms), oldest first. */
export function randomLogLines(
  random: Random,
  ips: readonly string[],
  count: number,
  from: number,
  to: number,
): LogLine[] {
  const lines: LogLine[] = [];
  const step = (to - from) / count;
  for (let i = 0; i < count; i++) {
    lines.push({
      ip: pickUniform(random, ips),
      // whole seconds: the combined format has no finer time
      ts: Math.floor((from + i * step) / 1000) * 1000,
      url: pickUniform(random, PATHS),
      status: pickUniform(random, [200, 200, 200, 304, 404]),
      useragent: pickUniform(random, AGENTS),
    });
  }
  return lines;
}

/** `07/Dec/2026:10:00:00 +0200`: the time as nginx's $time_local and Apache's %t write it, in the given UTC offset (minutes east). */
export function logTime(ts: number, offsetMinutes = 0): string {
  const local = new Date(ts + offsetMinutes * 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const zone = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}${pad(Math.abs(offsetMinutes) % 60)}`;
  return `${pad(local.getUTCDate())}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${zone}`;
}

/** One line of nginx's combined format, its time written in the given UTC offset, as servers abroad do. */
export function combinedLine(line: LogLine, offsetMinutes = 0): string {
  const bytes = 200 + (line.ts % 5000);
  return `${line.ip} - - [${logTime(line.ts, offsetMinutes)}] "GET ${line.url} HTTP/1.1" ${line.status} ${bytes} "-" "${line.useragent}"`;
}

/** The lines as a file's content: each in a time zone of its own pick, newline-terminated. */
export function logText(lines: readonly LogLine[], random: Random): string {
  return lines.map((line) => `${combinedLine(line, pickUniform(random, [0, 120, -300, 330]))}\n`).join('');
}

/** How many lines each key has, as a sorted list of [key, count] for deepEqual. */
export function countBy<T>(items: readonly T[], key: (item: T) => string | number): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = String(key(item));
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
