import type { Store } from './store.js';

/** How long a migration may run before the caller is told why the start waits. */
const NOTICE_AFTER_MS = 1_000;

/**
 * store.migrate(), telling `notify` when it takes longer than a moment, and
 * when it is done: a migration that rewrites the stored events (SQLite
 * migration 4: 3–4 s per million events here) would otherwise hold a start
 * silent for minutes. The first notice needs the event loop: it comes for
 * the server (its SQLite store migrates on the writer thread) and
 * PostgreSQL, not for the CLI's inline SQLite store, which blocks until done.
 */
export async function migrateWithNotice(
  store: Pick<Store, 'migrate'>,
  notify: (message: string) => void,
  noticeAfterMs = NOTICE_AFTER_MS,
): Promise<void> {
  const started = Date.now();
  const notice = setTimeout(
    () => notify('upgrading the database schema; a migration that rewrites the stored events takes a while…'),
    noticeAfterMs,
  );
  try {
    await store.migrate();
  } finally {
    clearTimeout(notice);
  }
  const seconds = (Date.now() - started) / 1000;
  if (seconds * 1000 >= noticeAfterMs) notify(`database schema upgraded in ${seconds.toFixed(1)} s`);
}
