/**
 * A collect request's body, once read by whichever HTTP layer took it (the
 * fastify route or the fast path, see fast-path.ts), to its answer: JSON
 * parsed, the protocol told apart, the pipeline run, a failed commit turned
 * into 503. Nothing here knows HTTP, so the two layers cannot answer
 * differently.
 */
import { parse as parseQueryString } from 'fast-querystring';
import { type BodyKind, identifyRequest } from '../../collect/identify.js';
import type { IngestCounters } from '../../ingest/counters.js';
import type { Collect } from '../../ingest/pipeline.js';
import { isRefusal, REFUSALS, type Refusal, refuse } from '../../ingest/refusal.js';
import { type ErrorBody, errorBody } from '../errors.js';

/** The largest body each kind may have (docs/security.md): a legacy form, a v2 JSON batch of up to 1,000 events. */
export const BODY_LIMITS: Record<BodyKind, number> = {
  form: 64 * 1024,
  json: 1024 * 1024,
};

export interface CollectBody {
  kind: BodyKind;
  /** the body as sent, decoded as UTF-8 */
  text: string;
}

export interface CollectAnswer {
  status: number;
  body: AcceptedBody | ErrorBody;
  /** seconds, for answers that ask the sender to come back later */
  retryAfter?: number;
}

interface AcceptedBody {
  status: 200;
  status_code: 200;
  accepted: number;
}

export interface CollectHandlerDeps {
  collect: Collect;
  /** refusals before the pipeline (unreadable body, no protocol recognised) are counted here; the pipeline counts its own */
  counters: Pick<IngestCounters, 'countRefusal'>;
  /** TMON_DEBUG: a failed commit's message goes into the answer */
  debug: boolean;
}

/** Where a failed commit is logged: the request's logger on the fastify route, the app's on the fast path. */
export interface CollectLog {
  error(details: { err: unknown }, message: string): void;
}

export type CollectHandler = (body: CollectBody, log: CollectLog) => Promise<CollectAnswer>;

export function createCollectHandler({ collect, counters, debug }: CollectHandlerDeps): CollectHandler {
  const refuseEarly = (refusal: Refusal) => {
    counters.countRefusal(refusal.refused);
    return refusalAnswer(refusal);
  };

  return async function handleCollect({ kind, text }, log) {
    let parsed: unknown;
    if (kind === 'json') {
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        return refuseEarly(refuse('bad_json', `body is not valid JSON: ${(error as Error).message}`));
      }
    } else {
      parsed = formFields(text);
    }
    const identified = identifyRequest(parsed, kind);
    if (isRefusal(identified)) return refuseEarly(identified);

    try {
      const outcome = await collect(identified);
      if (isRefusal(outcome)) return refusalAnswer(outcome);
      return { status: 200, body: { status: 200, status_code: 200, accepted: outcome.accepted } };
    } catch (error) {
      // the store could not commit: the sender must retry, and must not think it was stored
      log.error({ err: error }, 'collect: storing failed');
      const detail = debug ? `: ${(error as Error).message}` : '';
      return {
        status: 503,
        body: errorBody(503, 'unavailable', `storage is unavailable, retry later${detail}`),
        retryAfter: 5,
      };
    }
  };
}

/**
 * The handler's answer for a fast way (fast-path.ts, socket-front.ts), which
 * has no fastify error handler behind it: a rejection is a bug (the handler
 * answers every failure it knows of), answered 500 as fastify answers one.
 */
export function answerOrInternalError(
  handle: CollectHandler,
  body: CollectBody,
  log: CollectLog,
  debug: boolean,
): Promise<CollectAnswer> {
  return handle(body, log).catch((error: unknown) => {
    log.error({ err: error }, 'collect: answering failed');
    const message = debug ? `internal error: ${(error as Error).message}` : 'internal error';
    return { status: 500, body: errorBody(500, 'internal', message) };
  });
}

/** A refusal's answer: its catalogue status, and a retry hint for the ones that pass (429, 503). */
export function refusalAnswer(refusal: Refusal): CollectAnswer {
  const status = REFUSALS[refusal.refused];
  const body = errorBody(status, refusal.refused, refusal.message);
  return status === 429 || status === 503 ? { status, body, retryAfter: 1 } : { status, body };
}

/**
 * Form fields with repeats kept as arrays, so a duplicated field is refused
 * rather than silently picked. fast-querystring (fastify's own parser) does
 * this in about half URLSearchParams' time
 * and returns an object without a prototype, so a field named `__proto__` is
 * just a field. A malformed %-escape is left as sent instead of decoded
 * leniently: such a field is refused all the same (bad base64, non-numeric
 * wsid).
 */
function formFields(body: string): Record<string, string | string[]> {
  return parseQueryString(body) as Record<string, string | string[]>;
}
