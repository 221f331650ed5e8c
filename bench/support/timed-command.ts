/**
 * A command run to its end with what it cost: wall-clock seconds, CPU seconds
 * (user + system, its children included) and peak resident memory. GNU time
 * (/usr/bin/time) reports them from the kernel's own accounting when it is
 * installed; without it the child's /proc entry is read every 50 ms, which
 * misses what it used in its last 50 ms.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { processCpuSeconds } from './proc-cpu.js';
import { procMemory } from './proc-memory.js';

export interface TimedRun {
  code: number | null;
  stdout: string;
  /** the last 64 KiB of its stderr */
  stderr: string;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  /** how CPU and memory were measured */
  measuredBy: 'GNU time' | '/proc sampling';
}

const GNU_TIME = '/usr/bin/time';
const SAMPLE_MS = 50;

export async function runTimed(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<TimedRun> {
  if (!existsSync(GNU_TIME)) return runSampled(command, args, options);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-time-'));
  const report = path.join(dir, 'time.txt');
  try {
    const run = await spawnAndWait(GNU_TIME, ['-o', report, '-f', '%U %S %M', command, ...args], options);
    const [user, system, maxKb] = (await readFile(report, 'utf8')).trim().split('\n').at(-1)?.split(' ') ?? [];
    return {
      ...run,
      cpuSeconds: Number(user) + Number(system),
      // GNU time's %M is in KiB
      peakRssBytes: Number(maxKb) * 1024,
      measuredBy: 'GNU time',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runSampled(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<TimedRun> {
  let cpuSeconds = 0;
  let peakRssBytes = 0;
  const run = await spawnAndWait(command, args, options, (pid) => {
    const timer = setInterval(() => {
      cpuSeconds = Math.max(cpuSeconds, processCpuSeconds(pid));
      procMemory(pid).then(
        (memory) => {
          peakRssBytes = Math.max(peakRssBytes, memory.peak);
        },
        // the child exited between two samples: its last figures stand
        () => undefined,
      );
    }, SAMPLE_MS);
    return () => clearInterval(timer);
  });
  return { ...run, cpuSeconds, peakRssBytes, measuredBy: '/proc sampling' };
}

function spawnAndWait(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv },
  watch?: (pid: number) => () => void,
): Promise<{ code: number | null; stdout: string; stderr: string; wallSeconds: number }> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stopWatching = child.pid === undefined ? undefined : watch?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (stderr.length > 128 * 1024) stderr = stderr.slice(-64 * 1024);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      stopWatching?.();
      resolve({ code, stdout, stderr, wallSeconds: (performance.now() - started) / 1000 });
    });
  });
}
