/** The options `send` and `loadgen` share: where tmon is (--server, else TMON_SERVER), which service, which protocol. */
import type { TmonProtocol } from '@tmon/client';
import { positiveInteger, requireString, UsageError } from './args.js';
import { type SenderEnvironment, senderEnvironment } from './sender-environment.js';

export const SENDER_OPTIONS = {
  server: { type: 'string' },
  wsid: { type: 'string' },
  secret: { type: 'string' },
  protocol: { type: 'string' },
} as const;

export const DEFAULT_SERVER = 'http://localhost:8000';

export interface SenderTarget {
  server: string;
  wsid: number;
  secret: string;
  protocol: TmonProtocol;
}

export function senderTarget(
  values: {
    server?: string | boolean;
    wsid?: string | boolean;
    secret?: string | boolean;
    protocol?: string | boolean;
  },
  environment: SenderEnvironment = senderEnvironment(),
): SenderTarget {
  const fromFlag = typeof values.server === 'string';
  const server = fromFlag ? (values.server as string) : (environment.server ?? DEFAULT_SERVER);
  if (!URL.canParse(server) || !/^https?:$/.test(new URL(server).protocol)) {
    const name = fromFlag || environment.server === undefined ? '--server' : 'TMON_SERVER';
    throw new UsageError(`${name} must be an http(s) URL such as ${DEFAULT_SERVER}, got "${server}"`);
  }
  const protocol = values.protocol ?? 'v2';
  if (protocol !== 'v2' && protocol !== 'gen1' && protocol !== 'gen2') {
    throw new UsageError('--protocol must be v2, gen1 or gen2');
  }
  return {
    server,
    wsid: positiveInteger(requireString(values.wsid, 'wsid'), '--wsid'),
    secret: requireString(values.secret, 'secret'),
    protocol,
  };
}
