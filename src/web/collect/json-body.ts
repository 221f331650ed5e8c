/**
 * A JSON collect body on the fastify route (routes.ts), read within its
 * limit: a v2 batch 1 MiB, a bearer batch 8 MiB, each as sent and once
 * inflated. A Bearer header alone costs nothing to send, so a bearer request
 * that could take more than a v2 batch's memory (larger, compressed, or of
 * unknown length) has its token checked before its body is read: without a
 * valid token, tmon holds no more of a body than of a v2 batch.
 *
 * Read here rather than by fastify's own body reader, whose limit is one per
 * parser, and rather than in a preParsing hook, which the busiest route would
 * run for every request.
 */
import type { FastifyRequest } from 'fastify';
import { isBearer } from '../../collect/bearer-batch.js';
import { BEARER_BODY_LIMIT, BODY_LIMITS } from '../../collect/endpoint.js';
import type { CollectBody } from '../../collect/identify.js';
import { isRefusal, type Refusal, refuse } from '../../errors/refusal.js';
import type { CheckIngestToken } from '../../ingest/ingest-tokens.js';
import { decodeBody } from './decode-body.js';
import { readAtMost } from './read-at-most.js';

/** A body refused before or while it was read: the collect route's error handler answers the refusal. */
export class RefusedBody extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}

/** The JSON body for the handler, or a RefusedBody thrown (the route answers it, and closes the connection). */
export async function readJsonBody(
  request: FastifyRequest,
  payload: NodeJS.ReadableStream,
  checkIngestToken: CheckIngestToken,
): Promise<CollectBody> {
  const { authorization } = request.headers;
  const encoding = request.headers['content-encoding'];
  // NaN without a Content-Length (a chunked body): then no comparison holds
  const length = Number(request.headers['content-length']);
  const bearer = isBearer(authorization);
  if (bearer && !(length <= BODY_LIMITS.json && encoding === undefined)) {
    const grant = await checkIngestToken(authorization).catch((error: unknown) => {
      request.log.error({ err: error }, 'collect: checking a bearer token failed');
      return refuse('unavailable', 'storage is unavailable, retry later');
    });
    if (isRefusal(grant)) throw new RefusedBody(grant);
  }
  const limit = bearer ? BEARER_BODY_LIMIT : BODY_LIMITS.json;
  const sent = await readAtMost(payload, limit, length);
  const bytes = encoding === undefined || isRefusal(sent) ? sent : await decodeBody(sent, encoding, limit);
  if (isRefusal(bytes)) throw new RefusedBody(bytes);
  const text = bytes.toString('utf8');
  return authorization === undefined ? { kind: 'json', text } : { kind: 'json', text, authorization };
}
