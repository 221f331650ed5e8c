/**
 * tmon import --all: a file of `tmon export --all` into an EMPTY database
 * (no user yet): merging two installs would clash on service ids, which the
 * senders use as their wsid and must keep.
 *
 * Users get the ids the new database assigns (nothing outside tmon names a
 * user by id); every reference to a user is mapped. Services keep their ids
 * and secrets, so senders go on unchanged; a rotated secret's previous one
 * is put back by rotating to the current one. Tokens keep their hashes, so a
 * token made before works after. Events go through writeEvents in groups, so
 * the rollups (rankings, series) are rebuilt from them.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EnrichedEvent } from '../enrich/enriched-event.js';
import type { AccountStore } from '../store/account-store.js';
import { CommandFailed } from './args.js';
import type { InstallStores } from './export-all.js';
import { eventFromExport } from './export-line.js';
import {
  type InstallCounts,
  InstallFileError,
  type InstallRecord,
  parseInstallHeader,
  parseInstallRecord,
} from './install-file.js';

/** events per writeEvents call: one transaction each */
const GROUP_SIZE = 1_000;

export async function importAll({ accounts, events }: InstallStores, file: string): Promise<InstallCounts> {
  const existingUsers = await accounts.countUsers();
  if (existingUsers > 0) {
    throw new CommandFailed(
      `the target database is not empty (${existingUsers} user${existingUsers === 1 ? '' : 's'}): ` +
        'import --all only into an empty one (a new --data directory, or an empty PostgreSQL database or schema)',
    );
  }
  const counts: InstallCounts = { users: 0, services: 0, shares: 0, tokens: 0, events: 0 };
  const userIds = new Map<number, number>();
  const newUserId = (oldId: number, lineNumber: number): number => {
    const id = userIds.get(oldId);
    if (id === undefined) throw new InstallFileError(`line ${lineNumber} names user ${oldId}, who is not in the file`);
    return id;
  };
  let group: { serviceId: number; events: EnrichedEvent[] } | null = null;
  const flushEvents = async () => {
    if (group === null || group.events.length === 0) return;
    const [result] = await events.writeEvents(
      [{ serviceId: group.serviceId, events: group.events, replayKey: null, replayKeyExpiresAt: null }],
      Date.now(),
    );
    if (!result?.ok) throw new Error(`the events of service ${group.serviceId} were refused as replayed`);
    counts.events += result.stored.length;
    group = null;
    process.stderr.write(`\rimported ${counts.events} events`);
  };

  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (lineNumber === 1) {
        parseInstallHeader(line);
        continue;
      }
      if (line.trim() === '') continue;
      const record = parseRecord(line, lineNumber);
      if (record.type === 'event') {
        if (group !== null && group.serviceId !== record.serviceId) await flushEvents();
        group ??= { serviceId: record.serviceId, events: [] };
        group.events.push(eventFromExport(record.event));
        if (group.events.length >= GROUP_SIZE) await flushEvents();
        continue;
      }
      await importAccountRecord(accounts, record, (oldId) => newUserId(oldId, lineNumber), userIds);
      counts[`${record.type}s`]++;
    }
    await flushEvents();
  } catch (error) {
    if (error instanceof InstallFileError) throw new CommandFailed(`${file}, line ${lineNumber}: ${error.message}`);
    throw error;
  }
  if (lineNumber === 0) throw new CommandFailed(`${file} is empty`);
  process.stderr.write('\n');
  return counts;
}

function parseRecord(line: string, lineNumber: number): InstallRecord {
  try {
    return parseInstallRecord(line);
  } catch (error) {
    if (error instanceof InstallFileError) throw error;
    throw new InstallFileError(`not JSON (${(error as Error).message}) at line ${lineNumber}`);
  }
}

async function importAccountRecord(
  store: AccountStore,
  record: Exclude<InstallRecord, { type: 'event' }>,
  newUserId: (oldId: number) => number,
  userIds: Map<number, number>,
): Promise<void> {
  switch (record.type) {
    case 'user': {
      const user = await store.createUser({
        name: record.name,
        passwordHash: record.passwordHash,
        admin: record.admin,
        now: record.createdAt,
      });
      userIds.set(record.id, user.id);
      return;
    }
    case 'service': {
      const ownerId = newUserId(record.ownerId);
      // created with the previous secret, then rotated to the current one: the previous one is kept with its deadline
      await store.createService({
        id: record.id,
        name: record.name,
        ownerId,
        secret: record.previousSecret ?? record.secret,
        now: record.createdAt,
      });
      if (record.previousSecret !== null) {
        await store.rotateSecret(record.id, record.secret, record.previousSecretUntil ?? 0);
      }
      await store.updateServiceSettings(record.id, record.settings);
      return;
    }
    case 'share':
      await store.shareService(record.serviceId, newUserId(record.userId));
      return;
    case 'token': {
      const token = await store.createToken({
        tokenHash: record.tokenHash,
        userId: newUserId(record.userId),
        name: record.name,
        scope: record.scope,
        serviceId: record.serviceId,
        expiresAt: record.expiresAt,
        now: record.createdAt,
      });
      if (record.lastUsedAt !== null) await store.touchToken(token.id, record.lastUsedAt);
      return;
    }
  }
}
