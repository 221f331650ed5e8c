/**
 * Every error code tmon answers, in one place: its HTTP status, where it can
 * be answered (collect, the API, or both), what it means and what the sender
 * or caller should do. Collect refusals (refusal.ts), the API's HttpError and
 * the central error handler (web/errors.ts) all take their statuses from
 * here, and docs/errors.md is checked against it (test/docs/error-codes.test.ts).
 *
 * A leaf: it imports nothing, so every layer may use it. Codes and statuses
 * are part of the wire protocol: senders (the original T-Mon clients among
 * them) branch on them, so they never change once answered.
 */

/** where a code can be answered: `POST /data/collect`, the query and admin API, or both */
export type ErrorPlace = 'collect' | 'api' | 'both';

export interface ErrorEntry {
  readonly status: number;
  readonly place: ErrorPlace;
  /** what happened, in a sender's words */
  readonly means: string;
  /** what the sender or caller should do about it */
  readonly todo: string;
  /** the Retry-After sent with it unless the answer names its own (seconds) */
  readonly retryAfterSeconds?: number;
}

const FIX_REQUEST = 'Fix the request: sending the same bytes again gets the same answer.';
const FIX_SECRET = "Check the service id and secret (and the sender's key derivation): retrying does not help.";

export const ERROR_CATALOGUE = {
  bad_request: {
    status: 400,
    place: 'both',
    means:
      'The request cannot be read: no body, a body that is not valid gzip, a repeated form field, a missing or unknown protocol version `v`, an OTLP body that is not a trace export; on the API, a parameter that is missing or invalid.',
    todo: FIX_REQUEST,
  },
  bad_base64: {
    status: 400,
    place: 'collect',
    means: 'A base64 field (`data`, `iv`) is not valid base64.',
    todo: FIX_REQUEST,
  },
  bad_json: {
    status: 400,
    place: 'collect',
    means: 'The JSON body, or the decrypted payload, is not valid UTF-8 JSON.',
    todo: FIX_REQUEST,
  },
  not_an_object: {
    status: 400,
    place: 'collect',
    means: 'The JSON body, the payload or an event is valid JSON but not an object.',
    todo: FIX_REQUEST,
  },
  missing_field: {
    status: 400,
    place: 'collect',
    means:
      'A required field is missing or empty (`wsid`, `data`, `iv`, `sent_at`, `events`, an event’s `url`, `ip` or `useragent`).',
    todo: FIX_REQUEST,
  },
  invalid_field: {
    status: 400,
    place: 'collect',
    means:
      'A field has the wrong type or a value out of range (a wsid that is not a positive integer, an invalid IP address, a `ts` out of its window, …).',
    todo: FIX_REQUEST,
  },
  field_too_long: {
    status: 400,
    place: 'collect',
    means:
      'A text field of an event is longer than its limit (`url` and `referrer` 2048 characters, `useragent` 1024, `username` 256, `id` 64, `method` 16).',
    todo: FIX_REQUEST,
  },
  extra_too_large: {
    status: 400,
    place: 'collect',
    means: 'The extra properties of an event are more than 4 KB of JSON.',
    todo: FIX_REQUEST,
  },
  extra_too_deep: {
    status: 400,
    place: 'collect',
    means: 'The extra properties of an event nest deeper than 3 levels.',
    todo: FIX_REQUEST,
  },
  bad_batch_size: {
    status: 400,
    place: 'collect',
    means: 'A batch holds no event, or more than its limit: 1,000 events for v2, 10,000 for a bearer batch.',
    todo: 'Send 1 to 1,000 events per v2 request, 1 to 10,000 per bearer batch.',
  },
  bad_event: {
    status: 400,
    place: 'collect',
    means:
      'One event of a v2 or bearer batch is invalid: the whole batch is refused, and the message names the event by its index.',
    todo: 'Fix or drop that event and send the batch again (a v2 batch with a new iv and sent_at).',
  },
  unauthorized: {
    status: 401,
    place: 'both',
    means:
      'Not logged in, a wrong name or password at login, or an API token that is missing, malformed, expired or revoked; on collect, a bearer batch without such a valid token.',
    todo: 'Log in again, or send a valid token as `Authorization: Bearer <token>`.',
  },
  forbidden: {
    status: 403,
    place: 'both',
    means:
      'The caller is known but may not do this (not an admin, a read-only token, a missing CSRF token); on collect, a bearer batch sent with a token whose scope is not ingest.',
    todo: 'Use an account or token with the right to do it.',
  },
  unknown_service: {
    status: 403,
    place: 'collect',
    means: 'No service has this `wsid`.',
    todo: FIX_SECRET,
  },
  bad_signature: {
    status: 403,
    place: 'collect',
    means: 'The Gen 2 signature does not match the data for the service’s secret.',
    todo: FIX_SECRET,
  },
  decryption_failed: {
    status: 403,
    place: 'collect',
    means: 'The data could not be decrypted with the service’s secret (Gen 1, v2).',
    todo: FIX_SECRET,
  },
  stale: {
    status: 403,
    place: 'collect',
    means: "A v2 request's `sent_at` is more than 300 s away from tmon's clock.",
    todo: "Set the sender's clock right (NTP); a retry must carry a new `sent_at` and a new iv.",
  },
  replayed: {
    status: 403,
    place: 'collect',
    means: 'This v2 iv was already used for this service within the last 5 minutes.',
    todo: 'Never reuse an iv: a retry encrypts again with a fresh one.',
  },
  legacy_refused: {
    status: 403,
    place: 'collect',
    means: 'The service accepts only the v2 protocol, and this request is Gen 1 or Gen 2.',
    todo: "Switch the sender to v2, or allow the legacy protocols in the service's settings.",
  },
  not_found: {
    status: 404,
    place: 'api',
    means: 'No such route, or no such user, service or token that the caller may see.',
    todo: 'Check the URL and the id in it.',
  },
  method_not_allowed: {
    status: 405,
    place: 'collect',
    means: '`/data/collect` was asked with another method than POST.',
    todo: 'Send collect requests with POST.',
  },
  conflict: {
    status: 409,
    place: 'api',
    means: 'The name or id is already taken.',
    todo: 'Choose another name, or change the existing one.',
  },
  body_too_large: {
    status: 413,
    place: 'both',
    means:
      'The body is over its limit, as sent or once inflated: 64 KiB for Gen 1, Gen 2 and the API, 1 MiB for v2, 8 MiB for a bearer batch or an OTLP export.',
    todo: 'Send fewer events per request.',
  },
  unsupported_media_type: {
    status: 415,
    place: 'both',
    means:
      'A Content-Type or Content-Encoding tmon does not read (collect reads form and JSON bodies, OTLP protobuf and JSON, as is or gzip).',
    todo: 'Send `application/json` or `application/x-www-form-urlencoded`, uncompressed or gzip.',
  },
  rate_limited: {
    status: 429,
    place: 'api',
    means: 'Too many attempts: logins from one address or for one name, or too many live streams open at once.',
    todo: 'Wait as long as Retry-After says before trying again.',
    retryAfterSeconds: 60,
  },
  internal: {
    status: 500,
    place: 'both',
    means: 'A bug in tmon: the details are in its log (and in the message with TMON_DEBUG set).',
    todo: 'Retry later with backoff, and report it with the log lines of that moment.',
  },
  overloaded: {
    status: 503,
    place: 'collect',
    means: 'tmon is busy storing earlier events: its write queue is full. Nothing of the request was stored.',
    todo: 'Retry after Retry-After seconds, with the same events and ids.',
    retryAfterSeconds: 1,
  },
  unavailable: {
    status: 503,
    place: 'both',
    means: 'The database (or Redis) cannot be reached right now. On collect, nothing of the request was stored.',
    todo: 'Retry after Retry-After seconds, then with exponential backoff, with the same events and ids.',
    retryAfterSeconds: 5,
  },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

type CodesNotOnly<P extends ErrorPlace> = {
  [C in ErrorCode]: (typeof ERROR_CATALOGUE)[C]['place'] extends P ? never : C;
}[ErrorCode];

/** the codes collect can answer */
export type CollectErrorCode = CodesNotOnly<'api'>;
/** the codes the API can answer */
export type ApiErrorCode = CodesNotOnly<'collect'>;

export function errorStatus(code: ErrorCode): number {
  return ERROR_CATALOGUE[code].status;
}

/** The Retry-After a code is sent with unless its answer names its own, else undefined. */
export function defaultRetryAfter(code: ErrorCode): number | undefined {
  const entry: ErrorEntry = ERROR_CATALOGUE[code];
  return entry.retryAfterSeconds;
}

/**
 * fastify's own error codes, as codes of the catalogue, for both the collect
 * route's error handler and the central one. Each is answered in both places.
 */
export const FASTIFY_ERROR_CODES: Readonly<Partial<Record<string, CollectErrorCode & ApiErrorCode>>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_VALIDATION: 'bad_request',
};
