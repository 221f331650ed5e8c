/** tmon loadgen: realistic traffic at a paced rate; prints the rate reached, latency percentiles and errors. */

import { progressPrinter, summaryJson, summaryText } from '../loadgen/report.js';
import { runLoadgen } from '../loadgen/run-loadgen.js';
import { createTrafficSource } from '../loadgen/traffic-source.js';
import { CommandFailed, output, parse, positiveInteger, requireString, UsageError } from './args.js';
import { cannotReachMessage, networkFailureReason } from './network-failure.js';
import { SENDER_OPTIONS, senderTarget } from './sender-options.js';

export const LOADGEN_USAGE = `tmon loadgen --wsid ID --secret S --rate N --duration SEC [--server URL] [--concurrency C] [--batch B]
    [--protocol v2|gen1|gen2] [--seed N] [--json]
    N events/s for SEC seconds (0: until Ctrl-C) from ~100 countries, desktop/mobile/tablet/bot agents, a site's URLs;
    C requests in flight at most (default 8); B events per request (v2 batches, default 1);
    server: --server, else $TMON_SERVER, else http://localhost:8000; stops after 2 s if nothing answers`;

export async function loadgenCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    ...SENDER_OPTIONS,
    rate: { type: 'string' },
    duration: { type: 'string' },
    concurrency: { type: 'string' },
    batch: { type: 'string' },
    seed: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const target = senderTarget(values);
  const rate = positiveNumber(requireString(values.rate, 'rate'), '--rate');
  const durationText = requireString(values.duration, 'duration');
  const durationSec = durationText === '0' ? 0 : positiveNumber(durationText, '--duration');
  const concurrency = values.concurrency === undefined ? 8 : positiveInteger(values.concurrency, '--concurrency');
  const batch = values.batch === undefined ? 1 : positiveInteger(values.batch, '--batch');
  if (batch > 1000) throw new UsageError('--batch must be at most 1000 (v2 limit)');
  if (batch > 1 && target.protocol !== 'v2') throw new UsageError('--batch above 1 needs --protocol v2');
  const seed = values.seed === undefined ? undefined : positiveInteger(values.seed, '--seed');

  const traffic = await createTrafficSource({ seed });
  const setup = `${target.protocol}, batch ${batch}, concurrency ${concurrency}; clients from ${traffic.countries} countries, ${traffic.cities} cities`;
  if (!values.json) process.stderr.write(`loadgen: ${rate} events/s to ${target.server} (${setup})\n`);

  // Ctrl-C ends the run early, with its summary
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const printer = progressPrinter(process.stderr);
  try {
    const summary = await runLoadgen({
      ...target,
      rate,
      durationSec,
      concurrency,
      batch,
      nextEvent: traffic.nextEvent,
      signal: stop.signal,
      onProgress: printer.onProgress,
    });
    printer.end();
    const { unreachable } = summary;
    if (unreachable !== null) {
      const reason = networkFailureReason(unreachable.lastError);
      throw new CommandFailed(cannotReachMessage(target.server, reason, unreachable.tries, unreachable.elapsedMs));
    }
    output(
      values.json,
      summaryJson(summary, { protocol: target.protocol, batch, concurrency, countries: traffic.countries }),
      () => summaryText(summary, setup),
    );
    if (summary.requests.ok === 0) throw new CommandFailed('no request was accepted');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function positiveNumber(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${name} must be a positive number`);
  return value;
}
