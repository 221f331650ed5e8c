/**
 * tmon import SERVICE_ID --in FILE: stores the events of a `tmon export`
 * file as they are (no enrichment again), in groups of 1,000 through
 * writeEvents, so rollups follow. Idempotent: an event is stored under its
 * id, or `export-<seq>` when it had none, and a stored id is never stored twice.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DeviceType, EnrichedEvent } from '../enrich/enriched-event.js';
import { CommandFailed, output, parse, positiveInteger, requireString, UsageError } from './args.js';
import { withStore } from './context.js';
import { describeCounts } from './export.js';
import { importAll } from './import-all.js';

export const IMPORT_USAGE = `tmon import SERVICE_ID --in FILE [--data DIR]
    stores the events of a \`tmon export\` file in the service (events already stored are skipped)
tmon import --all --in FILE [--data DIR] [--json]
    brings a whole install (tmon export --all) into an EMPTY database: SQLite in --data, or TMON_DATABASE_URL`;

/** events per writeEvents call: one transaction each */
const GROUP_SIZE = 1_000;

type Line = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** One line of `tmon export` (the shape of presentEvent) → the event as it was stored. */
export function eventFromExport(line: Line): EnrichedEvent {
  const url = text(line.url);
  const ts = number(line.ts);
  const seq = number(line.seq);
  if (url === null || ts === null || seq === null) throw new Error('not a line of tmon export (url, ts, seq)');
  const country = text(line.country);
  return {
    url,
    ip: text(line.ip) ?? '',
    useragent: text(line.useragent) ?? '',
    username: text(line.username),
    ts,
    method: text(line.method),
    status: number(line.status),
    durationMs: number(line.duration_ms),
    referrer: text(line.referrer),
    id: text(line.id) ?? `export-${seq}`,
    extra: typeof line.extra === 'object' && line.extra !== null ? (line.extra as Record<string, unknown>) : null,
    geo:
      country === null
        ? null
        : {
            country,
            countryName: text(line.country_name) ?? country,
            region: text(line.region),
            city: text(line.city),
            lat: number(line.lat),
            lng: number(line.lng),
          },
    agent: {
      browser: text(line.browser),
      browserVersion: text(line.browser_version),
      os: text(line.os),
      osVersion: text(line.os_version),
      device: (text(line.device) ?? 'other') as DeviceType,
      vendor: text(line.vendor),
      model: text(line.model),
      bot: line.bot === true,
    },
  };
}

export async function importCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { in: { type: 'string' }, all: { type: 'boolean' } });
  if (values.all) {
    if (positionals.length > 0) throw new UsageError('--all takes no SERVICE_ID');
    const file = requireString(values.in, 'in');
    await withStore(values.data, async ({ store }) => {
      const counts = await importAll(store, file);
      output(values.json, counts, () => `imported ${file}: ${describeCounts(counts)}`);
    });
    return;
  }
  if (positionals.length !== 1) throw new UsageError('give one SERVICE_ID');
  const serviceId = positiveInteger(positionals[0], 'SERVICE_ID');
  const file = requireString(values.in, 'in');
  await withStore(values.data, async ({ store }) => {
    if (!(await store.findServiceById(serviceId))) throw new CommandFailed(`no service ${serviceId}`);
    let read = 0;
    let stored = 0;
    let group: EnrichedEvent[] = [];
    const flush = async () => {
      if (group.length === 0) return;
      const [result] = await store.writeEvents(
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
        group.push(eventFromExport(JSON.parse(raw) as Line));
      } catch (error) {
        throw new CommandFailed(`${file}, event ${read}: ${(error as Error).message}`);
      }
      if (group.length >= GROUP_SIZE) await flush();
    }
    await flush();
    process.stderr.write(`\rread ${read} events, stored ${stored} (${read - stored} were there already)\n`);
  });
}
