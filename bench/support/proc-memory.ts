/** A process's memory as Linux reports it (/proc/<pid>/status), and the size of a data directory's files. */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface ProcMemory {
  /** resident now, bytes */
  rss: number;
  /** peak resident ("high water mark"), bytes */
  peak: number;
}

export async function procMemory(pid: number): Promise<ProcMemory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Sizes of the files directly in `dir` (tmon.sqlite, its -wal and -shm). */
export async function fileSizes(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of await readdir(dir)) {
    const info = await stat(path.join(dir, name));
    if (info.isFile()) out[name] = info.size;
  }
  return out;
}
