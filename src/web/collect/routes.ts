/**
 * POST /data/collect on fastify: read the body by content type with the
 * protocol's size limit, hand it to the collect handler, answer (SPEC §3.5).
 * The socket front and the fast path (socket-front.ts, fast-path.ts) take
 * the plain requests off sockets before fastify sees them; this route
 * answers the rest (and every injected request), and refuses what those
 * leave to it: other methods, oversized bodies, other content types.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IngestCounters } from '../../ingest/counters.js';
import { type Refusal, type RefusalCode, refuse } from '../../ingest/refusal.js';
import { encodeAnswer } from './answer.js';
import {
  BODY_LIMITS,
  type CollectAnswer,
  type CollectBody,
  type CollectHandler,
  refusalAnswer,
} from './handle-collect.js';

const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/** fastify's own refusals of a collect request, as reasons of the refusal catalogue */
const FASTIFY_REFUSALS: Partial<Record<string, RefusalCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
};

export interface CollectRouteDeps {
  handle: CollectHandler;
  /** refusals fastify makes before the handler runs (method, size, content type) are counted here */
  counters: Pick<IngestCounters, 'countRefusal'>;
}

export async function collectRoutes(app: FastifyInstance, { handle, counters }: CollectRouteDeps): Promise<void> {
  // this plugin's own parsers: the legacy and v2 bodies have different size limits
  app.removeAllContentTypeParsers();
  for (const [contentType, kind] of [
    ['application/x-www-form-urlencoded', 'form'],
    ['application/json', 'json'],
  ] as const) {
    app.addContentTypeParser(contentType, { parseAs: 'string', bodyLimit: BODY_LIMITS[kind] }, (_request, text, done) =>
      done(null, { kind, text: text as string } satisfies CollectBody),
    );
  }

  const refuseEarly = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal) => {
    counters.countRefusal(refusal.refused);
    return send(request, reply, refusalAnswer(refusal));
  };

  // fastify refuses an oversized body or an unknown content type before the handler runs: answered and
  // counted here like every other refusal; anything else goes on to the app's error handler
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const code = FASTIFY_REFUSALS[error.code];
    if (code === undefined) throw error;
    return refuseEarly(request, reply, refuse(code, error.message));
  });

  // no route bodyLimit: it would override the per-protocol limits of the parsers above
  app.post('/data/collect', async (request, reply) => {
    // fastify runs no parser for a POST without content type and body
    const body = request.body as CollectBody | undefined;
    if (body === undefined) return refuseEarly(request, reply, refuse('bad_request', 'the request has no body'));
    return send(request, reply, await handle(body, request.log));
  });

  app.route({
    method: [...OTHER_METHODS],
    url: '/data/collect',
    handler: (request, reply) => {
      reply.header('allow', 'POST');
      return refuseEarly(request, reply, refuse('method_not_allowed', 'use POST for /data/collect'));
    },
  });
}

function send(request: FastifyRequest, reply: FastifyReply, answer: CollectAnswer) {
  const { status, headers, payload } = encodeAnswer(answer, request.headers['accept-encoding']);
  return reply.code(status).headers(headers).send(payload);
}
