/**
 * Whether a request's Accept-Encoding takes gzip, q-values honoured
 * ("gzip;q=0" refuses it), for the routes that compress their own answers
 * rather than through @fastify/compress: the pre-compressed UI assets, and
 * the collect answers (see app.ts for why collect is outside the plugin).
 */
import { Negotiator } from '@fastify/accept-negotiator';

// no cache: the header is the sender's text, and a cache keyed by it would grow with whatever they send
const negotiator = new Negotiator({ supportedValues: ['gzip', 'identity'] });

export function acceptsGzip(acceptEncoding: string | string[] | undefined): boolean {
  if (acceptEncoding === undefined || acceptEncoding === '') return false;
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(', ') : acceptEncoding;
  return negotiator.negotiate(header) === 'gzip';
}
