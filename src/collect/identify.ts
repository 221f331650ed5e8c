/**
 * Tells the three collection protocols apart by their fields (docs/protocol.md) and
 * checks the envelope only: nothing here knows a secret.
 */
import { type Refusal, refuse } from '../ingest/refusal.js';

export type CollectRequest =
  /** Gen 1: AES-CFB8 form post */
  | { protocol: 'gen1'; wsid: number; data: string }
  /** Gen 2: base64 JSON + HMAC-SHA1 form post */
  | { protocol: 'gen2'; wsid: number; data: string; signature: string }
  /** v2: AES-256-GCM JSON body */
  | { protocol: 'v2'; wsid: number; iv: string; data: string };

export type BodyKind = 'form' | 'json';

/** A decimal positive integer that fits a service id without rounding. */
const WSID_TEXT = /^[1-9][0-9]{0,15}$/;

export function identifyRequest(body: unknown, kind: BodyKind): CollectRequest | Refusal {
  return kind === 'form' ? identifyForm(body) : identifyJson(body);
}

function identifyForm(body: unknown): CollectRequest | Refusal {
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

function identifyJson(body: unknown): CollectRequest | Refusal {
  if (!isRecord(body)) return refuse('not_an_object', 'the JSON body must be an object');
  if (body.v === undefined) return refuse('bad_request', 'v is missing: a JSON body must carry "v": 2');
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
