/**
 * A collect body as read off the wire → which of the four collection
 * protocols it speaks (docs/protocol.md), told apart by its fields and, for
 * bearer batches, by a Bearer Authorization header: the pipeline's first
 * step. It checks the envelope only: nothing here knows a secret or a token.
 */
import { parse as parseQueryString } from 'fast-querystring';
import { isRefusal, type Refusal, refuse } from '../errors/refusal.js';
import { bearerEvents, isBearer } from './bearer-batch.js';

export type CollectRequest =
  /** Gen 1: AES-CFB8 form post */
  | { protocol: 'gen1'; wsid: number; data: string }
  /** Gen 2: base64 JSON + HMAC-SHA1 form post */
  | { protocol: 'gen2'; wsid: number; data: string; signature: string }
  /** v2: AES-256-GCM JSON body */
  | { protocol: 'v2'; wsid: number; iv: string; data: string }
  /** bearer batch: plain JSON events, the token in the Authorization header */
  | { protocol: 'bearer'; authorization: string; events: unknown[] };

/** A request authenticated by the service's secret: it is opened (open-request.ts) rather than its token checked. */
export type SecretRequest = Exclude<CollectRequest, { protocol: 'bearer' }>;

export type BodyKind = 'form' | 'json';

/** A collect request's body, as the HTTP layer that took it read it. */
export interface CollectBody {
  kind: BodyKind;
  /** the body as sent (once decompressed), decoded as UTF-8 */
  text: string;
  /** the Authorization header, only when the request has one (the HTTP layers leave the key out otherwise) */
  authorization?: string;
}

/** A decimal positive integer that fits a service id without rounding. */
const WSID_TEXT = /^[1-9][0-9]{0,15}$/;

/** The body parsed as its kind says, and its protocol told apart. */
export function identifyBody({ kind, text, authorization }: CollectBody): CollectRequest | Refusal {
  // the Bearer scheme decides: a request sent with a token is a bearer batch, whatever its body
  const bearer = isBearer(authorization);
  if (kind === 'form') {
    if (bearer) return refuse('unsupported_media_type', 'a request with a Bearer token is a JSON body {"events":[…]}');
    return identifyForm(formFields(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return refuse('bad_json', `body is not valid JSON: ${(error as Error).message}`);
  }
  return bearer ? identifyBearer(parsed, authorization) : identifyJson(parsed);
}

/**
 * Form fields with repeats kept as arrays, so a duplicated field is refused
 * rather than silently picked. fast-querystring (fastify's own parser) does
 * this in about half URLSearchParams' time and returns an object without a
 * prototype, so a field named `__proto__` is just a field. A malformed
 * %-escape is left as sent instead of decoded leniently: such a field is
 * refused all the same (bad base64, non-numeric wsid).
 */
function formFields(body: string): Record<string, string | string[]> {
  return parseQueryString(body) as Record<string, string | string[]>;
}

/** An envelope already parsed (a form's fields or a JSON value) → its protocol. */
export function identifyRequest(body: unknown, kind: BodyKind): SecretRequest | Refusal {
  return kind === 'form' ? identifyForm(body) : identifyJson(body);
}

function identifyForm(body: unknown): SecretRequest | Refusal {
  if (!isRecord(body)) return refuse('bad_request', 'the form body could not be read');
  const wsidText = formField(body, 'wsid');
  if (typeof wsidText !== 'string') return wsidText;
  const wsid = WSID_TEXT.test(wsidText) ? Number(wsidText) : Number.NaN;
  if (!Number.isSafeInteger(wsid)) return refuse('invalid_field', 'wsid must be a positive integer');
  const data = formField(body, 'data');
  if (typeof data !== 'string') return data;
  // Gen 2 is the only form protocol with a signature: its presence decides.
  if (!Object.hasOwn(body, 'signature')) return { protocol: 'gen1', wsid, data };
  const signature = formField(body, 'signature');
  if (typeof signature !== 'string') return signature;
  return { protocol: 'gen2', wsid, data, signature };
}

/** One non-empty form value. A repeated field is refused rather than guessed at. */
function formField(body: Record<string, unknown>, name: string): string | Refusal {
  const value = Object.hasOwn(body, name) ? body[name] : undefined;
  if (value === undefined || value === '') return refuse('missing_field', `${name} is missing`);
  if (Array.isArray(value)) return refuse('bad_request', `${name} is repeated`);
  if (typeof value !== 'string') return refuse('invalid_field', `${name} must be a string`);
  return value;
}

function identifyBearer(body: unknown, authorization: string): CollectRequest | Refusal {
  if (!isRecord(body)) return refuse('not_an_object', 'the JSON body must be an object');
  const events = bearerEvents(body);
  return isRefusal(events) ? events : { protocol: 'bearer', authorization, events };
}

/** A JSON body without a Bearer header: v2, or a bearer batch whose token is missing (or under another scheme). */
function identifyJson(body: unknown): SecretRequest | Refusal {
  if (!isRecord(body)) return refuse('not_an_object', 'the JSON body must be an object');
  if (body.v === undefined) {
    if (Object.hasOwn(body, 'events')) {
      return refuse('unauthorized', 'a batch {"events":[…]} needs the header Authorization: Bearer <ingest token>');
    }
    return refuse('bad_request', 'v is missing: a JSON body must carry "v": 2');
  }
  if (body.v !== 2) return refuse('bad_request', `unsupported protocol version v=${JSON.stringify(body.v)}`);
  const { wsid } = body;
  if (wsid === undefined) return refuse('missing_field', 'wsid is missing');
  if (typeof wsid !== 'number' || !Number.isSafeInteger(wsid) || wsid <= 0) {
    return refuse('invalid_field', 'wsid must be a positive integer');
  }
  const iv = jsonString(body, 'iv');
  if (typeof iv !== 'string') return iv;
  const data = jsonString(body, 'data');
  if (typeof data !== 'string') return data;
  return { protocol: 'v2', wsid, iv, data };
}

function jsonString(body: Record<string, unknown>, name: string): string | Refusal {
  const value = body[name];
  if (value === undefined || value === null || value === '') return refuse('missing_field', `${name} is missing`);
  if (typeof value !== 'string') return refuse('invalid_field', `${name} must be a base64 string`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
