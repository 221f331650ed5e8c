/**
 * Every reason tmon refuses a collect request, in one catalogue: a stable code,
 * its HTTP status, and a message for the client. Pipeline steps return a
 * Refusal value instead of throwing, so the route only maps it to an answer
 * and the counters see every reason.
 */
export const REFUSALS = {
  bad_request: 400,
  bad_base64: 400,
  bad_json: 400,
  not_an_object: 400,
  missing_field: 400,
  invalid_field: 400,
  field_too_long: 400,
  extra_too_large: 400,
  extra_too_deep: 400,
  bad_batch_size: 400,
  bad_event: 400,
  unknown_service: 403,
  bad_signature: 403,
  decryption_failed: 403,
  stale: 403,
  replayed: 403,
  legacy_refused: 403,
  method_not_allowed: 405,
  body_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  overloaded: 503,
  unavailable: 503,
} as const;

export type RefusalCode = keyof typeof REFUSALS;

export interface Refusal {
  readonly refused: RefusalCode;
  readonly message: string;
}

export function refuse(code: RefusalCode, message: string): Refusal {
  return { refused: code, message };
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'refused' in value;
}

export function refusalStatus(refusal: Refusal): number {
  return REFUSALS[refusal.refused];
}
