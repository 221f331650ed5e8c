/** tmon export SERVICE_ID [--out FILE]: one JSON line per stored event, oldest first (for `tmon import`). */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { presentEvent } from '../web/data/present.js';
import { CommandFailed, output, parse, positiveInteger, requireString, UsageError } from './args.js';
import { withStore } from './context.js';
import { exportAll } from './export-all.js';
import { describeInstallCounts } from './install-file.js';

export const EXPORT_USAGE = `tmon export SERVICE_ID [--out FILE] [--data DIR]
    writes the service's events as NDJSON (one event a line, oldest first) to FILE or stdout
tmon export --all --out FILE [--data DIR] [--json]
    the whole install: users (password hashes), services (ids, secrets), shares, tokens (hashes)
    and every event, for tmon import --all into another database (FILE is 0600: it holds every secret)`;

/** events read per query: bounded memory, few round trips */
const PAGE_SIZE = 1_000;

export async function exportCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { out: { type: 'string' }, all: { type: 'boolean' } });
  if (values.all) {
    if (positionals.length > 0) throw new UsageError('--all takes no SERVICE_ID');
    // a file, not stdout: it holds every secret, and its mode must be 0600
    const outFile = requireString(values.out, 'out');
    await withStore(values.data, async ({ accountStore, eventStore, config }) => {
      const counts = await exportAll(
        { accounts: accountStore, events: eventStore },
        config.databaseUrl ? 'postgres' : 'sqlite',
        outFile,
      );
      process.stderr.write('\n');
      output(
        values.json,
        { file: outFile, ...counts },
        () => `exported to ${outFile}: ${describeInstallCounts(counts)}`,
      );
    });
    return;
  }
  if (positionals.length !== 1) throw new UsageError('give one SERVICE_ID');
  const serviceId = positiveInteger(positionals[0], 'SERVICE_ID');
  await withStore(values.data, async ({ accountStore, eventStore }) => {
    if (!(await accountStore.findServiceById(serviceId))) throw new CommandFailed(`no service ${serviceId}`);
    const total = await eventStore.countEvents(serviceId);
    const out: Writable = values.out ? createWriteStream(values.out) : process.stdout;
    let written = 0;
    for (let afterSeq = 0; ; ) {
      const page = await eventStore.eventsAfterSeq(serviceId, afterSeq, PAGE_SIZE);
      if (page.length === 0) break;
      const text = page.map((event) => JSON.stringify(presentEvent(event))).join('\n');
      if (!out.write(`${text}\n`)) await once(out, 'drain');
      written += page.length;
      afterSeq = page[page.length - 1]!.seq;
      process.stderr.write(`\rexported ${written} of ${total} events`);
    }
    process.stderr.write(`\rexported ${written} events of service ${serviceId}\n`);
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
  });
}
