/**
 * One catalogue of the errors tmon answers outside the collect path (which has
 * its own in ingest/refusal.ts), one body shape for all of them (docs/protocol.md),
 * and the central handler that maps fastify's own errors onto it. Internal
 * details are logged, never sent, unless TMON_DEBUG is set.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AccountError } from '../accounts/accounts.js';
import { StoreConflictError, StoreNotFoundError } from '../store/errors.js';
import { isBackendUnavailable } from '../store/unavailable.js';
import { NO_SNIFF } from './no-sniff.js';

export const API_ERRORS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** Retry-After of a 503 for a database or Redis out of reach: as collect's (web/collect/handle-collect.ts) */
export const UNAVAILABLE_RETRY_SECONDS = 5;

/** Thrown by routes for an answer the caller caused; the handler sends it as is. */
export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = API_ERRORS[code];
  }
}

export interface ErrorBody {
  status: number;
  status_code: number;
  error: string;
  message: string;
}

export function errorBody(status: number, code: string, message: string): ErrorBody {
  return { status, status_code: status, error: code, message };
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, retryAfter?: number) {
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply
    .headers(NO_SNIFF)
    .code(status)
    .type('application/json; charset=utf-8')
    .send(errorBody(status, code, message));
}

/** fastify's own error codes, as our catalogue's */
const FASTIFY_ERRORS: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_VALIDATION: 'bad_request',
};

export function installErrorHandler(app: FastifyInstance, debug: boolean): void {
  app.setErrorHandler((error: FastifyError | AccountError, request, reply) => {
    if (error instanceof HttpError) {
      return sendError(reply, error.status, error.code, error.message, error.retryAfterSeconds);
    }
    // account and store rules broken by the caller's input: their messages are meant for people
    if (error instanceof AccountError) {
      const code = error.kind === 'conflict' ? 'conflict' : error.kind === 'not_found' ? 'not_found' : 'bad_request';
      return sendError(reply, API_ERRORS[code], code, error.message);
    }
    if (error instanceof StoreConflictError) return sendError(reply, 409, 'conflict', error.message);
    if (error instanceof StoreNotFoundError) return sendError(reply, 404, 'not_found', error.message);
    const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
    if (known) {
      return sendError(reply, API_ERRORS[known], known, error.message);
    }
    if (error.statusCode === 429) return sendError(reply, 429, 'rate_limited', error.message, 60);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, error.statusCode, 'bad_request', error.message);
    }
    // the database or Redis out of reach is an outage, not a bug: come back later, as collect says
    if (isBackendUnavailable(error)) {
      request.log.warn({ err: error }, 'storage unavailable: answered 503');
      const detail = debug ? `: ${error.message}` : '';
      return sendError(
        reply,
        503,
        'unavailable',
        `storage is unavailable, retry later${detail}`,
        UNAVAILABLE_RETRY_SECONDS,
      );
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 500, 'internal', debug ? `internal error: ${error.message}` : 'internal error');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );
}
