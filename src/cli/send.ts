/** tmon send: one event, sent with the client library (@tmon/client); prints tmon's answer. A smoke test for users. */
import { TmonClient, TmonError } from '@tmon/client';
import { CommandFailed, output, parse, UsageError } from './args.js';
import { cannotReachMessage, networkFailureReason } from './network-failure.js';
import { SENDER_OPTIONS, senderTarget } from './sender-options.js';

export const SEND_USAGE = `tmon send --wsid ID --secret S [--server URL] [--url /path] [--ip A] [--useragent UA] [--username U]
    [--protocol v2|gen1|gen2] [--json]
    sends one event (defaults: server $TMON_SERVER or http://localhost:8000, url /, ip 81.2.69.142, a tmon send user agent);
    tries 3 times in about 2 s before it gives up`;

/** an address DB-IP places in London: the event shows up on the map */
const DEFAULT_IP = '81.2.69.142';

/** 3 tries, ~0.75–1.5 s of backoff between them (client: 500 ms doubled, with jitter): a smoke test answers in seconds */
const MAX_RETRIES = 2;
/** one try's limit: a server that accepts the connection but never answers must not hold the command for the client's default 10 s × 3 */
const TRY_TIMEOUT_MS = 3_000;

export async function sendCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    ...SENDER_OPTIONS,
    url: { type: 'string' },
    ip: { type: 'string' },
    useragent: { type: 'string' },
    username: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const target = senderTarget(values);
  const client = new TmonClient({
    ...target,
    exitHooks: false,
    maxRetries: MAX_RETRIES,
    timeoutMs: TRY_TIMEOUT_MS,
    // send() rejects with the same error: it is reported below, once
    onError: () => {},
  });
  const event = {
    url: values.url ?? '/',
    ip: values.ip ?? DEFAULT_IP,
    useragent: values.useragent ?? `tmon send (Node.js ${process.version})`,
    ...(values.username === undefined ? {} : { username: values.username }),
  };
  const started = performance.now();
  try {
    const answer = await client.send(event);
    output(values.json, answer.body, () =>
      answer.status === 200
        ? `${answer.status} stored (${String(answer.body.accepted)} event) in service ${target.wsid} at ${target.server}`
        : `${answer.status} ${String(answer.body.error)}: ${String(answer.body.message)}`,
    );
    if (answer.status !== 200) throw new CommandFailed(`tmon refused the event (${answer.status})`);
  } catch (error) {
    if (error instanceof TmonError) {
      const tries = client.stats().retried + 1;
      const elapsedMs = performance.now() - started;
      if (error.answer === null && error.kind === 'gave_up') {
        throw new CommandFailed(cannotReachMessage(target.server, networkFailureReason(error.cause), tries, elapsedMs));
      }
      throw new CommandFailed(error.message);
    }
    throw error;
  } finally {
    await client.close();
  }
}
