/**
 * Why tmon refuses a collect request, as a value: pipeline steps return a
 * Refusal instead of throwing, so the collect route only maps it to an answer
 * and the counters see every reason. Its code and status are the catalogue's
 * (catalogue.ts).
 */
import type { CollectErrorCode } from './catalogue.js';

/** the codes a collect request can be refused with */
export type RefusalCode = CollectErrorCode;

export interface Refusal {
  readonly refused: RefusalCode;
  readonly message: string;
  /** the error behind it (a store out of reach): logged by whoever answers, never sent */
  readonly cause?: unknown;
}

export function refuse(code: RefusalCode, message: string, cause?: unknown): Refusal {
  // no `cause` key at all when there is none: refusals compare equal by their code and message
  return cause === undefined ? { refused: code, message } : { refused: code, message, cause };
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'refused' in value;
}
