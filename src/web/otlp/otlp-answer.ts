/**
 * The answers of POST /v1/traces as the OTLP/HTTP specification has them,
 * in the encoding of the request (protobuf, or JSON for a JSON request and
 * for one whose Content-Type tmon does not read): 200 with an
 * ExportTraceServiceResponse, its partial success counting the rejected
 * spans; a refusal with its status from the error catalogue and a
 * google.rpc.Status whose message starts with tmon's error code.
 */
import { defaultRetryAfter, errorStatus } from '../../errors/catalogue.js';
import type { Refusal } from '../../errors/refusal.js';
import type { TracesAccepted } from '../../ingest/pipeline.js';
import { encodeRpcStatus, encodeTraceResponse } from '../../otlp/otlp-protobuf.js';
import type { OtlpEncoding } from '../../otlp/trace-export.js';

export const OTLP_MEDIA_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export interface OtlpAnswer {
  status: number;
  headers: Record<string, string>;
  payload: string | Uint8Array;
}

/** gRPC's status codes, which google.rpc.Status carries, for tmon's HTTP statuses */
const RPC_CODES: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  503: 14, // UNAVAILABLE
};
const RPC_INTERNAL = 13;

export function acceptedAnswer(accepted: TracesAccepted, encoding: OtlpEncoding): OtlpAnswer {
  const { rejected, firstRejection } = accepted;
  const errorMessage =
    rejected === 0
      ? ''
      : `${rejected} of ${accepted.accepted + rejected} HTTP server spans could not become events; the first, ${firstRejection}`;
  if (encoding === 'protobuf') return answer(200, encoding, encodeTraceResponse(rejected, errorMessage));
  const body = rejected === 0 ? {} : { partialSuccess: { rejectedSpans: String(rejected), errorMessage } };
  return answer(200, encoding, JSON.stringify(body));
}

export function refusalAnswer(refusal: Refusal, encoding: OtlpEncoding): OtlpAnswer {
  const status = errorStatus(refusal.refused);
  const code = RPC_CODES[status] ?? RPC_INTERNAL;
  const message = `${refusal.refused}: ${refusal.message}`;
  const payload = encoding === 'protobuf' ? encodeRpcStatus(code, message) : JSON.stringify({ code, message });
  const result = answer(status, encoding, payload);
  const retryAfter = defaultRetryAfter(refusal.refused);
  if (retryAfter !== undefined) result.headers['retry-after'] = String(retryAfter);
  return result;
}

function answer(status: number, encoding: OtlpEncoding, payload: string | Uint8Array): OtlpAnswer {
  const type = encoding === 'json' ? `${OTLP_MEDIA_TYPES.json}; charset=utf-8` : OTLP_MEDIA_TYPES.protobuf;
  return { status, headers: { 'content-type': type, 'x-content-type-options': 'nosniff' }, payload };
}
