/**
 * Load from wrk (`apt-get install wrk`) instead of autocannon: a C load
 * generator that keeps even the bare server busy on one core, where
 * autocannon, JavaScript on one core, kept it only ~70 % busy. wrk does not
 * tell which request an answer belongs to, so a run reports how many bodies
 * it sent (a prefix of its body file) and how many were answered, not which.
 */
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BodySource } from './bodies.js';
import type { LoadResult } from './load.js';

const execFileAsync = promisify(execFile);

/**
 * Sends the bodies of a file, one per line, in order from `args[1]`'s line
 * `args[3]` on (cycling when `args[4]` is "cycle", else sending the last one
 * again, which the run then reports). One thread: the order is the file's.
 */
const SCRIPT = `
local bodies, contentType, i, cycle = {}, nil, 0, false
-- globals: done() reads them from each thread with thread:get()
sent, overrun = 0, 0
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  contentType = args[2]
  i = tonumber(args[3])
  cycle = args[4] == "cycle"
end
function request()
  i = i + 1
  if i > #bodies then
    if cycle then i = 1 else i = #bodies; overrun = overrun + 1 end
  end
  sent = sent + 1
  return wrk.format("POST", "/data/collect", { ["Content-Type"] = contentType }, bodies[i])
end
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
function done(summary, latency, requests)
  local total, over = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
    over = over + thread:get("overrun")
  end
  io.write(string.format("tmon-bench sent %d overrun %d\\n", total, over))
end
`;

export function wrkMissing(): string | null {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return null;
  } catch (error) {
    // wrk --version exits 1 after printing its version: only a missing binary is an error here
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'wrk is not installed (apt-get install -y wrk), or use the default load generator'
      : null;
  }
}

/** A body file and the request number of its first line. */
export interface WrkBodies {
  file: string;
  firstN: number;
  count: number;
  /** lines of the file already sent by earlier runs */
  offset: number;
  cycle: boolean;
}

/** Takes `count` bodies from the source into a file in `dir` (bodies hold no newline: JSON or form text). */
export function writeWrkBodies(dir: string, name: string, source: BodySource, count: number, cycle: boolean) {
  const file = path.join(dir, `${name}.bodies`);
  // body by body: the pool of batches is hundreds of MB, more than one string may hold
  const fd = openSync(file, 'w');
  let firstN = 0;
  try {
    for (let k = 0; k < count; k++) {
      const { n, body } = source.take();
      if (k === 0) firstN = n;
      writeSync(fd, `${body}\n`);
    }
  } finally {
    closeSync(fd);
  }
  writeFileSync(path.join(dir, 'send-bodies.lua'), SCRIPT);
  return { file, firstN, count, offset: 0, cycle } satisfies WrkBodies;
}

export interface WrkResult extends LoadResult {
  /** requests wrk wrote: the next `sent` lines of the body file (answered or still in flight at the end) */
  sent: number;
}

/** One wrk run of `seconds` on `port`; the body file's offset moves on by what it sent. */
export async function runWrk(options: {
  port: number;
  bodies: WrkBodies;
  contentType: string;
  connections: number;
  seconds: number;
}): Promise<WrkResult> {
  const { bodies } = options;
  const script = path.join(path.dirname(bodies.file), 'send-bodies.lua');
  const { stdout } = await execFileAsync(
    'wrk',
    [
      '-t1',
      `-c${options.connections}`,
      `-d${Math.max(1, Math.round(options.seconds))}s`,
      '--latency',
      '--timeout',
      '10s',
      '-s',
      script,
      `http://127.0.0.1:${options.port}`,
      '--',
      bodies.file,
      options.contentType,
      String(bodies.offset),
      bodies.cycle ? 'cycle' : 'once',
    ],
    { maxBuffer: 1024 * 1024 },
  );
  const result = parseWrkOutput(stdout);
  if (!bodies.cycle && result.overrun > 0) {
    throw new Error(`wrk ran out of bodies (${result.overrun} requests over ${bodies.count}): raise --pool-mb`);
  }
  bodies.offset += result.sent;
  return result;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

/** The figures of wrk's text output (with --latency and the script's `tmon-bench` line). */
export function parseWrkOutput(text: string): WrkResult & { overrun: number } {
  const number = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
  const latency = (percent: string) => {
    const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(text);
    return match ? Number(match[1]) * (UNIT_MS[match[2] as string] as number) : Number.NaN;
  };
  const requests = number(/(\d+) requests in/);
  const seconds = (() => {
    const match = /requests in ([\d.]+)(us|ms|s|m),/.exec(text);
    if (!match) return Number.NaN;
    const value = Number(match[1]);
    return match[2] === 'm' ? value * 60 : (value * (UNIT_MS[match[2] as string] as number)) / 1000;
  })();
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  if (!Number.isFinite(requests) || !Number.isFinite(seconds)) throw new Error(`cannot read wrk's output:\n${text}`);
  const ok = requests - non2xx;
  return {
    seconds,
    ok,
    okPerSecond: ok / seconds,
    errors,
    non2xx,
    statusCodes: non2xx > 0 ? { '200': ok, other: non2xx } : { '200': ok },
    p50: latency('50'),
    p99: latency('99'),
    acked: [],
    firstRefusal: non2xx > 0 ? `${non2xx} answers other than 2xx (wrk does not show them)` : null,
    sent: number(/tmon-bench sent (\d+)/),
    overrun: number(/overrun (\d+)/),
  };
}
