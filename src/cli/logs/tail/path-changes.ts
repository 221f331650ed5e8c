/**
 * Wakes the follower when a followed log may have changed: at once on an
 * fs.watch event of its directory, else after a poll interval. fs.watch alone
 * is not enough: a watch on the file follows the inode that logrotate renames
 * away, events are coalesced or dropped under load, and network and overlay
 * file systems may send none; so every wait also ends after POLL_INTERVAL_MS,
 * and each wake-up looks at the files with stat() instead of trusting the event.
 */
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';

export const POLL_INTERVAL_MS = 250;

export class PathChanges {
  private readonly watchers: FSWatcher[] = [];
  private wake: (() => void) | null = null;
  private changed = false;

  constructor(files: readonly string[], onWatchError: (directory: string, error: Error) => void) {
    for (const directory of new Set(files.map((file) => path.dirname(file)))) {
      try {
        const watcher = watch(directory, { persistent: false }, () => this.notice());
        // a watch that fails later (its directory removed) leaves the polling, which goes on
        watcher.on('error', (error) => onWatchError(directory, error));
        this.watchers.push(watcher);
      } catch (error) {
        // a directory that does not exist yet, or no inotify left: the polling covers it
        onWatchError(directory, error as Error);
      }
    }
  }

  /** Resolves at the next change, after `timeoutMs` at the latest, or at once if a change came since the last wait. */
  wait(timeoutMs: number = POLL_INTERVAL_MS, signal?: AbortSignal): Promise<void> {
    if (this.changed || signal?.aborted) {
      this.changed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = null;
        this.changed = false;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  close(): void {
    for (const watcher of this.watchers) watcher.close();
    this.wake?.();
  }

  private notice(): void {
    this.changed = true;
    this.wake?.();
  }
}
