/** Turns answers and network errors into the TmonErrors that onError receives. */
import { type CollectAnswer, TmonError } from './types.js';

export function givenUp(answer: CollectAnswer | null, error: unknown, count: number): TmonError {
  const why = answer !== null ? describe(answer) : describeNetworkError(error);
  return new TmonError('gave_up', `could not deliver ${count} event(s): ${why}`, count, answer, { cause: error });
}

export function describe(answer: CollectAnswer): string {
  const { error, message } = answer.body;
  return `${answer.status} ${String(error ?? '')}${message === undefined ? '' : ` (${String(message)})`}`;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error.name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? error.message;
}
