/**
 * POST /data/collect on fastify: read the body by content type with the
 * protocol's size limit, decode it by Content-Encoding (decode-body.ts),
 * hand it to the collect handler, answer (docs/protocol.md, The answer). The socket front and
 * the fast path (socket-front.ts, fast-path.ts) take the plain requests off
 * sockets before fastify sees them; this route answers the rest (and every
 * injected request), and refuses what those leave to it: other methods,
 * oversized bodies, other content types and content codings.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BODY_LIMITS, COLLECT_MEDIA_TYPES, COLLECT_PATH } from '../../collect/endpoint.js';
import type { CollectBody } from '../../collect/identify.js';
import { FASTIFY_ERROR_CODES } from '../../errors/catalogue.js';
import { isRefusal, type Refusal, refuse } from '../../errors/refusal.js';
import type { IngestCounters } from '../../ingest/counters.js';
import type { CheckIngestToken } from '../../ingest/ingest-tokens.js';
import { encodeAnswer } from './answer.js';
import { decodeBody } from './decode-body.js';
import { COLLECT_DESCRIPTION } from './description.js';
import { type CollectAnswer, type CollectHandler, refusalAnswer } from './handle-collect.js';
import { RefusedBody, readJsonBody } from './json-body.js';

const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

export interface CollectRouteDeps {
  handle: CollectHandler;
  /** refusals fastify makes before the handler runs (method, size, content type) are counted here */
  counters: Pick<IngestCounters, 'countRefusal'>;
  /** a bearer batch larger than a v2 one is read only once its token has passed (json-body.ts) */
  checkIngestToken: CheckIngestToken;
}

export async function collectRoutes(
  app: FastifyInstance,
  { handle, counters, checkIngestToken }: CollectRouteDeps,
): Promise<void> {
  // this plugin's own parsers: the legacy, v2 and bearer bodies have different size limits, which hold for a body
  // as sent and once decoded; a JSON body's depends on its Authorization header, so it is read by json-body.ts
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(COLLECT_MEDIA_TYPES.json, (request: FastifyRequest, payload: IncomingMessage) =>
    readJsonBody(request, payload, checkIngestToken),
  );
  const limit = BODY_LIMITS.form;
  app.addContentTypeParser(COLLECT_MEDIA_TYPES.form, { parseAs: 'buffer', bodyLimit: limit }, (request, sent, done) => {
    const bytes = sent as Buffer;
    const { authorization } = request.headers;
    const encoding = request.headers['content-encoding'];
    // nearly every body comes as is: decoded as fastify's string parser would
    if (encoding === undefined) {
      done(null, formBody(bytes, authorization));
      return;
    }
    decodeBody(bytes, encoding, limit).then(
      (decoded) => {
        if (isRefusal(decoded)) done(new RefusedBody(decoded), undefined);
        else done(null, formBody(decoded, authorization));
      },
      (error: Error) => done(error, undefined),
    );
  });

  const refuseEarly = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal) => {
    counters.countRefusal(refusal.refused);
    return send(request, reply, refusalAnswer(refusal));
  };

  // fastify refuses an oversized body or an unknown content type before the handler runs, the parsers above an
  // unknown or broken content coding: answered and counted here like every other refusal; anything else goes
  // on to the app's error handler
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof RefusedBody) return refuseEarly(request, reply, error.refusal);
    const code = FASTIFY_ERROR_CODES[error.code];
    if (code === undefined) throw error;
    return refuseEarly(request, reply, refuse(code, error.message));
  });

  // no route bodyLimit: it would override the per-protocol limits of the parsers above
  // described, not validated: the body schema is for /api/openapi.json only (description.ts)
  const describe = { swaggerTransform: () => ({ schema: COLLECT_DESCRIPTION, url: COLLECT_PATH }) };
  app.post(COLLECT_PATH, { config: describe }, async (request, reply) => {
    // fastify runs no parser for a POST without content type and body
    const body = request.body as CollectBody | undefined;
    if (body === undefined) return refuseEarly(request, reply, refuse('bad_request', 'the request has no body'));
    return send(request, reply, await handle(body, request.log));
  });

  app.route({
    method: [...OTHER_METHODS],
    url: COLLECT_PATH,
    // only refusals (405): the description names POST, the one method collect takes
    schema: { hide: true },
    handler: (request, reply) => {
      reply.header('allow', 'POST');
      return refuseEarly(request, reply, refuse('method_not_allowed', `use POST for ${COLLECT_PATH}`));
    },
  });
}

/** The body for the handler: the Authorization header only when there is one, as the fast ways hand it. */
function formBody(bytes: Buffer, authorization: string | undefined): CollectBody {
  const text = bytes.toString('utf8');
  return authorization === undefined ? { kind: 'form', text } : { kind: 'form', text, authorization };
}

function send(request: FastifyRequest, reply: FastifyReply, answer: CollectAnswer) {
  const { status, headers, payload } = encodeAnswer(answer, request.headers['accept-encoding']);
  return reply.code(status).headers(headers).send(payload);
}
