/**
 * tmon import SERVICE_ID --in FILE: stores the events of a `tmon export`
 * file as they are (no enrichment again), in groups of 1,000 through
 * writeEvents, so rollups follow. Idempotent: an event is stored under its
 * id, or `export-<seq>` when it had none, and a stored id is never stored twice.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EnrichedEvent } from '../enrich/enriched-event.js';
import { CommandFailed, output, parse, positiveInteger, requireString, UsageError } from './args.js';
import { withStore } from './context.js';
import { type ExportLine, eventFromExport } from './export-line.js';
import { importAll } from './import-all.js';
import { describeInstallCounts } from './install-file.js';

export const IMPORT_USAGE = `tmon import SERVICE_ID --in FILE [--data DIR]
    stores the events of a \`tmon export\` file in the service (events already stored are skipped)
tmon import --all --in FILE [--data DIR] [--json]
    brings a whole install (tmon export --all) into an EMPTY database: SQLite in --data, or TMON_DATABASE_URL`;

/** events per writeEvents call: one transaction each */
const GROUP_SIZE = 1_000;

export async function importCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { in: { type: 'string' }, all: { type: 'boolean' } });
  if (values.all) {
    if (positionals.length > 0) throw new UsageError('--all takes no SERVICE_ID');
    const file = requireString(values.in, 'in');
    await withStore(values.data, async ({ accountStore, eventStore }) => {
      const counts = await importAll({ accounts: accountStore, events: eventStore }, file);
      output(values.json, counts, () => `imported ${file}: ${describeInstallCounts(counts)}`);
    });
    return;
  }
  if (positionals.length !== 1) throw new UsageError('give one SERVICE_ID');
  const serviceId = positiveInteger(positionals[0], 'SERVICE_ID');
  const file = requireString(values.in, 'in');
  await withStore(values.data, async ({ accountStore, eventStore }) => {
    if (!(await accountStore.findServiceById(serviceId))) throw new CommandFailed(`no service ${serviceId}`);
    let read = 0;
    let stored = 0;
    let group: EnrichedEvent[] = [];
    const flush = async () => {
      if (group.length === 0) return;
      const [result] = await eventStore.writeEvents(
        [{ serviceId, events: group, replayKey: null, replayKeyExpiresAt: null }],
        Date.now(),
      );
      if (result?.ok) stored += result.stored.length;
      group = [];
      process.stderr.write(`\rread ${read} events, stored ${stored}`);
    };
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const raw of lines) {
      if (raw.trim() === '') continue;
      read++;
      try {
        group.push(eventFromExport(JSON.parse(raw) as ExportLine));
      } catch (error) {
        throw new CommandFailed(`${file}, event ${read}: ${(error as Error).message}`);
      }
      if (group.length >= GROUP_SIZE) await flush();
    }
    await flush();
    process.stderr.write(`\rread ${read} events, stored ${stored} (${read - stored} were there already)\n`);
  });
}
