/**
 * A large access log in nginx's `combined` format for bench:logs, the same
 * for a given seed: loadgen's traffic mix (weighted real user agents, a
 * Zipf-like long tail of a shop's URLs, signed-in users, referrers, a few
 * errors) over addresses the shipped DB-IP database places in a city, IPv4
 * and IPv6, plus response sizes, with times spread evenly over the last days,
 * oldest first as a web server writes them.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { openGeoLocator } from '../../src/enrich/geoip.js';
import { buildIpPool } from '../../src/loadgen/ip-pool.js';
import { logNormal, seededRandom } from '../../src/loadgen/random.js';
import { createTrafficMix } from '../../src/loadgen/traffic-mix.js';

export interface GeneratedLog {
  lines: number;
  bytes: number;
  /** distinct client addresses, and how many countries and cities they are in */
  addresses: number;
  countries: number;
  cities: number;
  firstTs: number;
  lastTs: number;
}

export interface GenerateOptions {
  file: string;
  lines: number;
  days: number;
  seed: number;
  /** the newest line's time; the oldest is `days` before it */
  end: number;
}

/** as many addresses as a busy site sees in a month: ~150 countries, thousands of cities */
const ADDRESS_POOL = 20_000;
/** lines per write: big enough that the stream is not the cost */
const CHUNK_LINES = 10_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export async function writeCombinedLog(options: GenerateOptions): Promise<GeneratedLog> {
  const random = seededRandom(options.seed);
  const locator = await openGeoLocator({ cacheSize: 0 });
  const pool = buildIpPool((ip) => locator.locate(ip), { size: ADDRESS_POOL, random });
  const nextEvent = createTrafficMix(pool.ips, random);
  const span = options.days * 86_400_000;
  const firstTs = options.end - span;
  const step = span / Math.max(1, options.lines - 1);

  const out = createWriteStream(options.file);
  let bytes = 0;
  let chunk: string[] = [];
  let lastTs = firstTs;
  for (let n = 0; n < options.lines; n++) {
    const event = nextEvent();
    // whole seconds, never going back: the log's own resolution and order
    lastTs = Math.floor((firstTs + n * step) / 1000) * 1000;
    const size = event.status === 304 || event.method === 'HEAD' ? 0 : Math.round(logNormal(random, 4_000, 1.2));
    chunk.push(
      `${event.ip} - ${event.username ?? '-'} [${combinedTime(lastTs)}] "${event.method} ${event.url} HTTP/1.1" ` +
        `${event.status} ${size} "${event.referrer ?? '-'}" "${event.useragent}"\n`,
    );
    if (chunk.length === CHUNK_LINES || n === options.lines - 1) {
      const text = chunk.join('');
      bytes += Buffer.byteLength(text);
      chunk = [];
      if (!out.write(text)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return {
    lines: options.lines,
    bytes,
    addresses: pool.ips.length,
    countries: pool.countries,
    cities: pool.cities,
    firstTs,
    lastTs,
  };
}

/** `10/Oct/2026:13:55:36 +0000`: nginx's $time_local, in UTC */
function combinedTime(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}
