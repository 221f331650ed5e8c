/**
 * The answers of POST /data/collect (SPEC §3.5), gzipped when the sender
 * accepts gzip. The collect route compresses its own answers because it runs
 * outside @fastify/compress (see app.ts): they are a few dozen bytes, so
 * compressing them in one call costs less than the plugin's hooks cost every
 * request.
 */
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REFUSALS, type Refusal } from '../../ingest/refusal.js';
import { acceptsGzip } from '../accepts-gzip.js';
import { errorBody } from '../errors.js';

/** as @fastify/compress was set up for the other routes: small JSON gains nothing from a higher level */
const GZIP_LEVEL = 1;

export function sendAccepted(request: FastifyRequest, reply: FastifyReply, accepted: number) {
  return sendJson(request, reply, 200, { status: 200, status_code: 200, accepted });
}

export function sendCollectRefusal(request: FastifyRequest, reply: FastifyReply, refusal: Refusal) {
  const status = REFUSALS[refusal.refused];
  if (status === 429 || status === 503) reply.header('retry-after', '1');
  return sendJson(request, reply, status, errorBody(status, refusal.refused, refusal.message));
}

/** The store could not commit: the sender must retry later, and must not think anything was stored. */
export function sendUnavailable(request: FastifyRequest, reply: FastifyReply, message: string) {
  reply.header('retry-after', '5');
  return sendJson(request, reply, 503, errorBody(503, 'unavailable', message));
}

function sendJson(request: FastifyRequest, reply: FastifyReply, status: number, body: object) {
  const json = JSON.stringify(body);
  reply.code(status).type('application/json; charset=utf-8');
  if (!acceptsGzip(request.headers['accept-encoding'])) return reply.send(json);
  reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding');
  return reply.send(gzipSync(json, { level: GZIP_LEVEL }));
}
