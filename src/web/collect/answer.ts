/**
 * A collect answer (docs/protocol.md) as status, headers and payload, gzipped when
 * the sender accepts gzip, for either HTTP layer to write. Collect compresses
 * its own answers because it runs outside @fastify/compress (see app.ts):
 * they are a few dozen bytes, so compressing them in one call costs less
 * than the plugin's hooks cost every request.
 */
import { gzipSync } from 'node:zlib';
import { acceptsGzip } from '../accepts-gzip.js';
import type { CollectAnswer } from './handle-collect.js';

/** as @fastify/compress was set up for the other routes: small JSON gains nothing from a higher level */
const GZIP_LEVEL = 1;
const JSON_TYPE = 'application/json; charset=utf-8';

export interface EncodedAnswer {
  status: number;
  headers: Record<string, string>;
  payload: string | Buffer;
}

/** accepted bodies' JSON by event count: nearly every answer is one of a few (~0.4 µs of JSON.stringify each) */
const acceptedJson: string[] = [];

function bodyJson({ body }: CollectAnswer): string {
  if (!('accepted' in body)) return JSON.stringify(body);
  acceptedJson[body.accepted] ??= JSON.stringify(body);
  return acceptedJson[body.accepted] as string;
}

export function encodeAnswer(answer: CollectAnswer, acceptEncoding: string | string[] | undefined): EncodedAnswer {
  const json = bodyJson(answer);
  // nosniff as every other JSON answer (no-sniff.ts): this path runs outside the web routes' hooks
  const headers: Record<string, string> = { 'content-type': JSON_TYPE, 'x-content-type-options': 'nosniff' };
  if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
  if (!acceptsGzip(acceptEncoding)) return { status: answer.status, headers, payload: json };
  headers['content-encoding'] = 'gzip';
  headers.vary = 'accept-encoding';
  return { status: answer.status, headers, payload: gzipSync(json, { level: GZIP_LEVEL }) };
}
