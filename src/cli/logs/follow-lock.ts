/**
 * One follower per state file. Two `tmon logs follow` runs with the same
 * state (the same files, or the same --state) would each send every line
 * and overwrite each other's offsets. The lock is a file beside the state
 * holding the owner's pid, made with O_EXCL; one whose process is gone (a
 * kill -9, a power cut) is taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { CommandFailed } from '../args.js';

export interface FollowLock {
  release(): Promise<void>;
}

export async function lockFollowState(stateFile: string): Promise<FollowLock> {
  const lockFile = `${stateFile}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return { release: () => unlink(lockFile).catch(ignoreMissing) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await lockOwner(lockFile);
    if (owner !== null && isRunning(owner)) {
      throw new CommandFailed(
        `another tmon logs follow (pid ${owner}) is following with the state file ${stateFile}: ` +
          'stop it first, or give this one its own --state',
      );
    }
    // its owner is gone: the lock is stale
    await unlink(lockFile).catch(ignoreMissing);
  }
  throw new CommandFailed(`cannot take the lock ${lockFile}: another follower keeps taking it`);
}

async function lockOwner(lockFile: string): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(lockFile, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
