/**
 * tmon export --all: the whole install (users, services, shares, tokens and
 * every event) as one file of install-file.ts, for `tmon import --all` into
 * another database, SQLite or PostgreSQL. Sessions stay behind: everyone logs
 * in again after a move.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { ensurePrivateFile } from '../store/private-files.js';
import type { Store } from '../store/store.js';

/** A whole install is both halves of the store. */
export type InstallStores = Pick<Store, 'accounts' | 'events'>;

import { presentEvent } from '../web/data/present.js';
import {
  type EventRecord,
  INSTALL_FORMAT,
  INSTALL_FORMAT_VERSION,
  type InstallCounts,
  type InstallHeader,
  type InstallRecord,
} from './install-file.js';

/** events read per query: bounded memory, few round trips */
const PAGE_SIZE = 1_000;

export async function exportAll(
  { accounts, events: eventStore }: InstallStores,
  source: InstallHeader['source'],
  outFile: string | undefined,
): Promise<InstallCounts> {
  // the file holds every secret of the install: 0600 before the first line (private-files.ts)
  if (outFile !== undefined) ensurePrivateFile(outFile);
  const out: Writable = outFile !== undefined ? createWriteStream(outFile) : process.stdout;
  const write = async (lines: object[]) => {
    if (lines.length === 0) return;
    if (!out.write(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`)) await once(out, 'drain');
  };
  const header: InstallHeader = {
    format: INSTALL_FORMAT,
    version: INSTALL_FORMAT_VERSION,
    exportedAt: Date.now(),
    source,
  };
  await write([header]);

  const users = await accounts.listUsers();
  await write(users.map((u): InstallRecord => ({ type: 'user', ...u })));
  const services = await accounts.listServices();
  await write(services.map((s): InstallRecord => ({ type: 'service', ...s })));
  let shares = 0;
  for (const service of services) {
    const userIds = await accounts.listShareUserIds(service.id);
    shares += userIds.length;
    await write(userIds.map((userId): InstallRecord => ({ type: 'share', serviceId: service.id, userId })));
  }
  const tokens = await accounts.listTokensWithHashes();
  await write(
    tokens.map(
      (t): InstallRecord => ({
        type: 'token',
        userId: t.userId,
        name: t.name,
        scope: t.scope,
        serviceId: t.serviceId,
        tokenHash: t.tokenHash,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt,
        lastUsedAt: t.lastUsedAt,
      }),
    ),
  );

  const totalEvents = await eventStore.countEvents();
  let events = 0;
  for (const service of services) {
    for (let afterSeq = 0; ; ) {
      const page = await eventStore.eventsAfterSeq(service.id, afterSeq, PAGE_SIZE);
      if (page.length === 0) break;
      await write(
        page.map(
          (event): EventRecord => ({
            type: 'event',
            serviceId: service.id,
            event: presentEvent(event) as Record<string, unknown>,
          }),
        ),
      );
      events += page.length;
      afterSeq = page[page.length - 1]!.seq;
      process.stderr.write(`\rexported ${events} of ${totalEvents} events`);
    }
  }
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  return { users: users.length, services: services.length, shares, tokens: tokens.length, events };
}
