/**
 * Why tmon refuses a collect request, as a value: pipeline steps return a
 * Refusal instead of throwing, so the collect route only maps it to an answer
 * and the counters see every reason. Its code and status are the catalogue's
 * (catalogue.ts). Other modules that check input before storing it (alert
 * channels) refuse the same way, with codes the API answers.
 */
import type { CollectErrorCode, ErrorCode } from './catalogue.js';

/** the codes a collect request can be refused with */
export type RefusalCode = CollectErrorCode;

export interface Refusal<C extends ErrorCode = RefusalCode> {
  readonly refused: C;
  readonly message: string;
  /** the error behind it (a store out of reach): logged by whoever answers, never sent */
  readonly cause?: unknown;
}

export function refuse<C extends ErrorCode = RefusalCode>(code: C, message: string, cause?: unknown): Refusal<C> {
  // no `cause` key at all when there is none: refusals compare equal by their code and message
  return cause === undefined ? { refused: code, message } : { refused: code, message, cause };
}

export function isRefusal<C extends ErrorCode = RefusalCode>(value: unknown): value is Refusal<C> {
  return typeof value === 'object' && value !== null && 'refused' in value;
}
