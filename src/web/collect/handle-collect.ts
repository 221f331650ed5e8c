/**
 * A collect request's body, once read by whichever HTTP layer took it (the
 * fastify route or a fast way, see fast-path.ts), to its answer: the pipeline
 * run (which parses the body, tells the protocol apart and counts every
 * refusal), its outcome turned into status and body. Nothing here knows HTTP,
 * so the layers cannot answer differently.
 */
import type { CollectBody } from '../../collect/identify.js';
import { defaultRetryAfter } from '../../errors/catalogue.js';
import { isRefusal, type Refusal } from '../../errors/refusal.js';
import type { Collect } from '../../ingest/pipeline.js';
import { type ErrorBody, errorBody } from '../errors.js';

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
  /** TMON_DEBUG: the message of the error behind a refusal (a failed commit) goes into the answer */
  debug: boolean;
}

/** Where a failed commit is logged: the request's logger on the fastify route, the app's on the fast ways. */
export interface CollectLog {
  error(details: { err: unknown }, message: string): void;
}

export type CollectHandler = (body: CollectBody, log: CollectLog) => Promise<CollectAnswer>;

export function createCollectHandler({ collect, debug }: CollectHandlerDeps): CollectHandler {
  return async function handleCollect(body, log) {
    const outcome = await collect(body);
    if (!isRefusal(outcome))
      return { status: 200, body: { status: 200, status_code: 200, accepted: outcome.accepted } };
    if (outcome.cause === undefined) return refusalAnswer(outcome);
    log.error({ err: outcome.cause }, 'collect: storing failed');
    const detail = debug ? `: ${(outcome.cause as Error).message}` : '';
    return refusalAnswer({ refused: outcome.refused, message: `${outcome.message}${detail}` });
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
    return { status: 500, body: errorBody('internal', message) };
  });
}

/** A refusal's answer: its status from the catalogue, and its Retry-After for the ones that pass (503). */
export function refusalAnswer(refusal: Refusal): CollectAnswer {
  const body = errorBody(refusal.refused, refusal.message);
  const { status } = body;
  const retryAfter = defaultRetryAfter(refusal.refused);
  return retryAfter === undefined ? { status, body } : { status, body, retryAfter };
}
