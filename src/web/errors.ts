/**
 * The API's side of the error catalogue (errors/catalogue.ts): one body shape
 * for every error tmon answers (docs/errors.md), HttpError for routes, and
 * the central handler that maps fastify's own errors onto the catalogue.
 * Internal details are logged, never sent, unless TMON_DEBUG is set.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AccountError } from '../accounts/accounts.js';
import {
  type ApiErrorCode,
  defaultRetryAfter,
  ERROR_CATALOGUE,
  type ErrorCode,
  errorStatus,
  FASTIFY_ERROR_CODES,
} from '../errors/catalogue.js';
import { StoreConflictError, StoreNotFoundError } from '../store/errors.js';
import { isBackendUnavailable } from '../store/unavailable.js';
import { NO_SNIFF } from './no-sniff.js';

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
    this.status = errorStatus(code);
  }
}

export interface ErrorBody {
  status: number;
  status_code: number;
  error: string;
  message: string;
}

/** The body of every error answer, collect's included: the status twice, as the original T-Mon answered. */
export function errorBody(code: ErrorCode, message: string): ErrorBody {
  const status = errorStatus(code);
  return { status, status_code: status, error: code, message };
}

/** An error answer with its catalogue status, and a Retry-After: the one given, else the code's own. */
export function sendError(reply: FastifyReply, code: ApiErrorCode, message: string, retryAfter?: number) {
  const seconds = retryAfter ?? defaultRetryAfter(code);
  if (seconds !== undefined) reply.header('retry-after', String(seconds));
  return reply
    .headers(NO_SNIFF)
    .code(errorStatus(code))
    .type('application/json; charset=utf-8')
    .send(errorBody(code, message));
}

/** The API's code for each 4xx status it has one for (one each): for errors of fastify and its plugins that carry only a status. */
const CLIENT_ERROR_CODES: ReadonlyMap<number, ApiErrorCode> = new Map(
  (Object.keys(ERROR_CATALOGUE) as ErrorCode[])
    .filter((code): code is ApiErrorCode => ERROR_CATALOGUE[code].place !== 'collect')
    .filter((code) => errorStatus(code) >= 400 && errorStatus(code) < 500)
    .map((code) => [errorStatus(code), code]),
);

export function installErrorHandler(app: FastifyInstance, debug: boolean): void {
  app.setErrorHandler((error: FastifyError | AccountError, request, reply) => {
    if (error instanceof HttpError) return sendError(reply, error.code, error.message, error.retryAfterSeconds);
    // account and store rules broken by the caller's input: their messages are meant for people
    if (error instanceof AccountError) {
      const code = error.kind === 'conflict' ? 'conflict' : error.kind === 'not_found' ? 'not_found' : 'bad_request';
      return sendError(reply, code, error.message);
    }
    if (error instanceof StoreConflictError) return sendError(reply, 'conflict', error.message);
    if (error instanceof StoreNotFoundError) return sendError(reply, 'not_found', error.message);
    const known = error.code ? FASTIFY_ERROR_CODES[error.code] : undefined;
    if (known) return sendError(reply, known, error.message);
    // a plugin's refusal (@fastify/rate-limit's 429, @fastify/compress's 415, …) under the code of its status; a
    // status the catalogue has no code for (fastify's 414 for a path parameter over 100 characters) is a 400
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, CLIENT_ERROR_CODES.get(error.statusCode) ?? 'bad_request', error.message);
    }
    // the database or Redis out of reach is an outage, not a bug: come back later, as collect says
    if (isBackendUnavailable(error)) {
      request.log.warn({ err: error }, 'storage unavailable: answered 503');
      const detail = debug ? `: ${error.message}` : '';
      return sendError(reply, 'unavailable', `storage is unavailable, retry later${detail}`);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 'internal', debug ? `internal error: ${error.message}` : 'internal error');
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );
}
