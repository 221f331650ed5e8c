/** What one attempt to deliver gave, whatever the channel: recorded as an attempts row, and what the retry policy reads. */
export interface AttemptOutcome {
  /** HTTP status, or the SMTP server's reply code; null when nothing answered */
  status: number | null;
  /** the first bytes of the answer (ANSWER_BYTES at most), or null */
  answer: string | null;
  /** why it failed when it did: a timeout, a refused target, a connection error, a redirect… */
  error: string | null;
  /** the receiver's Retry-After, in ms, when it sent one */
  retryAfterMs: number | null;
  /** true when sending the same thing again cannot succeed (a 4xx, a refused target): no more attempts */
  permanent: boolean;
  durationMs: number;
}

/** how much of an answer is kept: enough for an error message, not a whole page */
export const ANSWER_BYTES = 512;

/** An answer's first ANSWER_BYTES bytes as text (a character cut in two becomes U+FFFD). */
export function answerText(bytes: Buffer): string | null {
  return bytes.length === 0 ? null : bytes.subarray(0, ANSWER_BYTES).toString('utf8');
}
