/**
 * The address a page was reached at (`https://tmon.example.com`), for the
 * docs page's examples: what the reader's own service must send to. Taken
 * from the request's protocol and Host as fastify reads them (X-Forwarded-
 * Proto/-Host only when TMON_TRUST_PROXY trusts the sender). A Host header is
 * whatever the client typed: only a syntactically valid host[:port] is used,
 * anything else gives the configured address, and the caller still escapes it.
 */
import type { FastifyRequest } from 'fastify';

/** a DNS name or IPv4 (labels of letters, digits, hyphens), or a bracketed IPv6 literal; then an optional port */
const HOST_AND_PORT =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]{2,45}\])(?::(\d{1,5}))?$/i;

/** the longest host name DNS allows (253) plus a port */
const MAX_HOST_LENGTH = 253 + 6;

export function reachedOrigin(request: Pick<FastifyRequest, 'protocol' | 'host'>, configured: string): string {
  const protocol = request.protocol;
  const host = request.host;
  if ((protocol !== 'http' && protocol !== 'https') || typeof host !== 'string') return configured;
  if (host.length > MAX_HOST_LENGTH) return configured;
  const match = HOST_AND_PORT.exec(host);
  if (match === null) return configured;
  const port = match[1] === undefined ? null : Number(match[1]);
  if (port !== null && (port < 1 || port > 65535)) return configured;
  return `${protocol}://${host.toLowerCase()}`;
}

/** The address the server was told to listen on, as a URL a reader can use: `0.0.0.0` is no place to send to. */
export function configuredOrigin(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host;
  const bracketed = reachable.includes(':') ? `[${reachable}]` : reachable;
  return `http://${bracketed}:${port}`;
}
