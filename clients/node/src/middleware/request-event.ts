/**
 * What the middlewares share: the options, the client's address (behind
 * proxies or not), and the event for one served request. Typed with the
 * minimal shapes needed, so no framework is imported.
 */
import { isIP } from 'node:net';
import type { TmonEvent } from '../types.js';

/** Anything with track(): a TmonClient, or a wrapper of yours. */
export interface Tracker {
  track(event: TmonEvent): void;
}

export interface TrackRequestsOptions<Req> {
  /**
   * Whose address is the client's. `false` (default): the socket's peer.
   * `true`: the leftmost X-Forwarded-For address (only when every proxy in
   * front of you overwrites the header). A number n: n proxies of yours
   * stand in front — the n-th address from the right of
   * X-Forwarded-For + peer, as Express's numeric `trust proxy`. The
   * framework middlewares use the framework's own `req.ip` when this option
   * is not given.
   */
  trustProxy?: boolean | number;
  /** the signed-in user, read when the response is finished (after your auth middleware ran) */
  username?: (req: Req) => string | null | undefined;
  /** return true for requests not worth tracking (health checks, static files) */
  skip?: (req: Req) => boolean;
  /** more fields for the event (kept by tmon as extra properties) */
  fields?: (req: Req) => Record<string, unknown>;
}

export interface IncomingLike {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string } | null;
}

/** The client's address: see TrackRequestsOptions.trustProxy. */
export function clientIp(req: IncomingLike, trustProxy: boolean | number = false): string {
  const peer = normalizeIp(req.socket?.remoteAddress ?? '');
  if (trustProxy === false || trustProxy === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => normalizeIp(part.trim()))
    .filter((part) => part !== '');
  const chain = [...forwarded, peer];
  const index = trustProxy === true ? 0 : Math.max(0, chain.length - 1 - Math.floor(trustProxy));
  const ip = chain[index] ?? peer;
  // a forged or garbled header entry must not cost the event: fall back to the peer
  return isIP(ip) === 0 ? peer : ip;
}

/** "::ffff:1.2.3.4" → "1.2.3.4"; "1.2.3.4:5678" and "[::1]:80" (some proxies add ports) → the address. */
export function normalizeIp(raw: string): string {
  let ip = raw;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1] as string;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? (mapped[1] as string) : ip;
}

export interface ServedRequest {
  url: string;
  ip: string;
  method: string | undefined;
  headers: IncomingLike['headers'];
  status: number;
  durationMs: number;
  username: string | null | undefined;
  fields: Record<string, unknown> | undefined;
}

export function requestEvent(served: ServedRequest): TmonEvent {
  const useragent = firstHeader(served.headers['user-agent']) ?? '';
  const referrer = firstHeader(served.headers.referer);
  return {
    ...served.fields,
    url: served.url,
    ip: served.ip,
    useragent,
    method: served.method ?? null,
    status: served.status >= 100 && served.status <= 599 ? served.status : null,
    // a tenth of a millisecond is as precise as a request's duration is meaningful
    duration_ms: Math.round(served.durationMs * 10) / 10,
    ...(referrer === undefined ? {} : { referrer }),
    ...(served.username ? { username: served.username } : {}),
  };
}

/** Calls a caller-supplied getter; its failure costs the field, not the request or the event. */
export function safely<T>(getter: (() => T) | undefined): T | undefined {
  if (getter === undefined) return undefined;
  try {
    return getter();
  } catch {
    return undefined;
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
