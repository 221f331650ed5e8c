/** Events (as JSON text) → one request body in the chosen protocol. */
import type { TmonProtocol } from '../types.js';
import type { EncodedRequest } from './encoded-request.js';
import { encodeGen1, encodeGen2 } from './legacy.js';
import { encodeV2, V2_MAX_EVENTS } from './v2.js';

export type { EncodedRequest } from './encoded-request.js';

/** How many events one request of the protocol may carry. */
export function eventsPerRequest(protocol: TmonProtocol): number {
  return protocol === 'v2' ? V2_MAX_EVENTS : 1;
}

/** Sealed at call time: call it again for every attempt (fresh v2 iv and sent_at). */
export function encodeRequest(
  protocol: TmonProtocol,
  eventsJson: readonly string[],
  wsid: number,
  secret: string,
): EncodedRequest {
  if (protocol === 'v2') return encodeV2(eventsJson, wsid, secret);
  if (eventsJson.length !== 1) throw new Error(`${protocol} carries exactly one event per request`);
  const json = eventsJson[0] as string;
  return protocol === 'gen1' ? encodeGen1(json, wsid, secret) : encodeGen2(json, wsid, secret);
}
