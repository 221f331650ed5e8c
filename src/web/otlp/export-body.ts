/**
 * An OTLP export's body on POST /v1/traces, read within the bearer batches'
 * limit (8 MiB as sent and once inflated: a gzip bomb is inflated no
 * further). Its token is checked before any of the body is read, so a
 * sender without a valid ingest token never makes tmon hold a body.
 */
import type { FastifyRequest } from 'fastify';
import { BEARER_BODY_LIMIT } from '../../collect/endpoint.js';
import { isRefusal, refuse } from '../../errors/refusal.js';
import type { CheckIngestToken } from '../../ingest/ingest-tokens.js';
import type { TraceExportBody } from '../../ingest/pipeline.js';
import type { OtlpEncoding } from '../../otlp/trace-export.js';
import { decodeBody } from '../collect/decode-body.js';
import { RefusedBody } from '../collect/json-body.js';
import { readAtMost } from '../collect/read-at-most.js';

/** The export for the pipeline, or a RefusedBody thrown (the route answers it). */
export async function readExportBody(
  request: FastifyRequest,
  payload: NodeJS.ReadableStream,
  encoding: OtlpEncoding,
  checkIngestToken: CheckIngestToken,
): Promise<TraceExportBody> {
  const { authorization } = request.headers;
  if (authorization === undefined) {
    throw new RefusedBody(refuse('unauthorized', 'send an ingest token as Authorization: Bearer <token>'));
  }
  const grant = await checkIngestToken(authorization).catch((error: unknown) => {
    request.log.error({ err: error }, 'otlp: checking a bearer token failed');
    return refuse('unavailable', 'storage is unavailable, retry later');
  });
  if (isRefusal(grant)) throw new RefusedBody(grant);
  // NaN without a Content-Length (a chunked body): then no comparison holds
  const length = Number(request.headers['content-length']);
  const contentEncoding = request.headers['content-encoding'];
  const sent = await readAtMost(payload, BEARER_BODY_LIMIT, length);
  const bytes =
    contentEncoding === undefined || isRefusal(sent)
      ? sent
      : await decodeBody(sent, contentEncoding, BEARER_BODY_LIMIT);
  if (isRefusal(bytes)) throw new RefusedBody(bytes);
  return { authorization, encoding, bytes };
}
