/**
 * POST /v1/traces: OTLP/HTTP trace exports (docs/opentelemetry.md), in
 * protobuf or JSON, as is or gzip, with an ingest token. The route reads
 * the body (export-body.ts), runs the trace pipeline and answers in the
 * request's encoding (otlp-answer.ts), after the commit. Refusals fastify
 * makes before the handler (an unknown content type) are answered and
 * counted here like the pipeline's.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FASTIFY_ERROR_CODES } from '../../errors/catalogue.js';
import { isRefusal, type Refusal, refuse } from '../../errors/refusal.js';
import type { IngestCounters } from '../../ingest/counters.js';
import type { CheckIngestToken } from '../../ingest/ingest-tokens.js';
import type { CollectTraces, TraceExportBody } from '../../ingest/pipeline.js';
import type { OtlpEncoding } from '../../otlp/trace-export.js';
import { RefusedBody } from '../collect/json-body.js';
import { TRACES_DESCRIPTION } from './description.js';
import { readExportBody } from './export-body.js';
import { acceptedAnswer, OTLP_MEDIA_TYPES, type OtlpAnswer, refusalAnswer } from './otlp-answer.js';

export const TRACES_PATH = '/v1/traces';

export interface OtlpRouteDeps {
  collectTraces: CollectTraces;
  /** refusals made before the pipeline runs (content type, size, token) are counted here */
  counters: Pick<IngestCounters, 'countRefusal'>;
  checkIngestToken: CheckIngestToken;
  /** TMON_DEBUG: the message of the error behind a refusal (a failed commit) goes into the answer */
  debug: boolean;
}

export async function otlpRoutes(app: FastifyInstance, deps: OtlpRouteDeps): Promise<void> {
  const { collectTraces, counters, checkIngestToken, debug } = deps;
  app.removeAllContentTypeParsers();
  for (const [encoding, type] of Object.entries(OTLP_MEDIA_TYPES) as [OtlpEncoding, string][]) {
    app.addContentTypeParser(type, (request: FastifyRequest, payload: NodeJS.ReadableStream) =>
      readExportBody(request, payload, encoding, checkIngestToken),
    );
  }

  const refuseEarly = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal) => {
    counters.countRefusal(refusal.refused);
    return send(reply, refusalAnswer(refusal, requestEncoding(request)));
  };

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof RefusedBody) return refuseEarly(request, reply, error.refusal);
    const code = FASTIFY_ERROR_CODES[error.code];
    if (code === undefined) throw error;
    const refusal =
      code === 'unsupported_media_type'
        ? refuse(code, 'send Content-Type application/x-protobuf or application/json')
        : refuse(code, error.message);
    return refuseEarly(request, reply, refusal);
  });

  const describe = { swaggerTransform: () => ({ schema: TRACES_DESCRIPTION, url: TRACES_PATH }) };
  app.post(TRACES_PATH, { config: describe }, async (request, reply) => {
    // fastify runs no parser for a POST without content type and body
    const body = request.body as TraceExportBody | undefined;
    if (body === undefined) {
      return refuseEarly(
        request,
        reply,
        refuse('unsupported_media_type', 'send Content-Type application/x-protobuf or application/json'),
      );
    }
    const outcome = await collectTraces(body);
    if (!isRefusal(outcome)) return send(reply, acceptedAnswer(outcome, body.encoding));
    if (outcome.cause === undefined) return send(reply, refusalAnswer(outcome, body.encoding));
    request.log.error({ err: outcome.cause }, 'otlp: storing failed');
    const detail = debug ? `: ${(outcome.cause as Error).message}` : '';
    return send(reply, refusalAnswer(refuse(outcome.refused, `${outcome.message}${detail}`), body.encoding));
  });
}

/** protobuf for a protobuf request; JSON for the rest, readable whatever the sender spoke */
function requestEncoding(request: FastifyRequest): OtlpEncoding {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return type === OTLP_MEDIA_TYPES.protobuf ? 'protobuf' : 'json';
}

function send(reply: FastifyReply, { status, headers, payload }: OtlpAnswer) {
  return reply
    .code(status)
    .headers(headers)
    .send(Buffer.isBuffer(payload) || typeof payload === 'string' ? payload : Buffer.from(payload));
}
