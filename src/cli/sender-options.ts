/** The options `send` and `loadgen` share: where tmon is, which service, which protocol. */
import type { TmonProtocol } from '@tmon/client';
import { positiveInteger, requireString, UsageError } from './args.js';

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

export function senderTarget(values: {
  server?: string | boolean;
  wsid?: string | boolean;
  secret?: string | boolean;
  protocol?: string | boolean;
}): SenderTarget {
  const server = typeof values.server === 'string' ? values.server : DEFAULT_SERVER;
  try {
    new URL(server);
  } catch {
    throw new UsageError(`--server must be a URL such as ${DEFAULT_SERVER}`);
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
