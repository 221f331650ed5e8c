/**
 * POST /data/collect: parse the body by content type with the protocol's
 * size limit, tell the protocol apart, run the pipeline, answer (SPEC §3.5).
 */
import { parse as parseQueryString } from 'fast-querystring';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { identifyRequest } from '../../collect/identify.js';
import type { IngestCounters } from '../../ingest/counters.js';
import type { Collect } from '../../ingest/pipeline.js';
import { isRefusal, type Refusal, type RefusalCode, refuse } from '../../ingest/refusal.js';
import { sendAccepted, sendCollectRefusal, sendUnavailable } from './answer.js';

const LEGACY_BODY_LIMIT = 64 * 1024;
const V2_BODY_LIMIT = 1024 * 1024;
const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/** fastify's own refusals of a collect request, as reasons of the refusal catalogue */
const FASTIFY_REFUSALS: Partial<Record<string, RefusalCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
};

/** Unparsed JSON text: parsed in the handler so bad JSON becomes a refusal like any other. */
interface JsonText {
  json: string;
}

export interface CollectRouteDeps {
  collect: Collect;
  /** refusals before the pipeline (wrong method, body too large, wrong content type, unreadable JSON, no protocol recognised) are counted here; the pipeline counts its own */
  counters: Pick<IngestCounters, 'countRefusal'>;
  debug: boolean;
}

export async function collectRoutes(
  app: FastifyInstance,
  { collect, counters, debug }: CollectRouteDeps,
): Promise<void> {
  // this plugin's own parsers: the legacy and v2 bodies have different size limits
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: LEGACY_BODY_LIMIT },
    (_request, body, done) => done(null, formFields(body as string)),
  );
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: V2_BODY_LIMIT },
    (_request, body, done) => done(null, { json: body as string } satisfies JsonText),
  );

  const refuseEarly = (request: FastifyRequest, reply: FastifyReply, refusal: Refusal) => {
    counters.countRefusal(refusal.refused);
    return sendCollectRefusal(request, reply, refusal);
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
    const isJson = typeof request.body === 'object' && request.body !== null && 'json' in request.body;
    let parsed: unknown = request.body;
    if (isJson) {
      try {
        parsed = JSON.parse((request.body as JsonText).json);
      } catch (error) {
        return refuseEarly(request, reply, refuse('bad_json', `body is not valid JSON: ${(error as Error).message}`));
      }
    }
    const identified = identifyRequest(parsed, isJson ? 'json' : 'form');
    if (isRefusal(identified)) return refuseEarly(request, reply, identified);

    try {
      const outcome = await collect(identified);
      if (isRefusal(outcome)) return sendCollectRefusal(request, reply, outcome);
      return sendAccepted(request, reply, outcome.accepted);
    } catch (error) {
      // the store could not commit: the sender must retry, and must not think it was stored
      request.log.error({ err: error }, 'collect: storing failed');
      const detail = debug ? `: ${(error as Error).message}` : '';
      return sendUnavailable(request, reply, `storage is unavailable, retry later${detail}`);
    }
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

/**
 * Form fields with repeats kept as arrays, so a duplicated field is refused
 * rather than silently picked. fast-querystring (fastify's own parser) does
 * this in about half URLSearchParams' time (1.4 vs 2.5 µs for a Gen 2 body)
 * and returns an object without a prototype, so a field named `__proto__` is
 * just a field. A malformed %-escape is left as sent instead of decoded
 * leniently: such a field is refused all the same (bad base64, non-numeric
 * wsid).
 */
function formFields(body: string): Record<string, string | string[]> {
  return parseQueryString(body) as Record<string, string | string[]>;
}
