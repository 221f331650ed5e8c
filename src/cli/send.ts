/** tmon send: one event, sent with the client library (@tmon/client); prints tmon's answer. A smoke test for users. */
import { TmonClient, TmonError } from '@tmon/client';
import { CommandFailed, output, parse, UsageError } from './args.js';
import { SENDER_OPTIONS, senderTarget } from './sender-options.js';

export const SEND_USAGE = `tmon send --wsid ID --secret S [--server URL] [--url /path] [--ip A] [--useragent UA] [--username U]
    [--protocol v2|gen1|gen2] [--json]
    sends one event (defaults: server http://localhost:8000, url /, ip 81.2.69.142, a tmon send user agent)`;

/** an address DB-IP places in London: the event shows up on the map */
const DEFAULT_IP = '81.2.69.142';

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
  const client = new TmonClient({ ...target, exitHooks: false, maxRetries: 2, onError: () => {} });
  const event = {
    url: values.url ?? '/',
    ip: values.ip ?? DEFAULT_IP,
    useragent: values.useragent ?? `tmon send (Node.js ${process.version})`,
    ...(values.username === undefined ? {} : { username: values.username }),
  };
  try {
    const answer = await client.send(event);
    output(values.json, answer.body, () =>
      answer.status === 200
        ? `${answer.status} stored (${String(answer.body.accepted)} event) in service ${target.wsid} at ${target.server}`
        : `${answer.status} ${String(answer.body.error)}: ${String(answer.body.message)}`,
    );
    if (answer.status !== 200) throw new CommandFailed(`tmon refused the event (${answer.status})`);
  } catch (error) {
    if (error instanceof TmonError) throw new CommandFailed(error.message);
    throw error;
  } finally {
    await client.close();
  }
}
