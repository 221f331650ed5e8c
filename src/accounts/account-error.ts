/** A rule broken by the caller's input: the message is safe to show. */
export class AccountError extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'conflict' | 'not_found' = 'invalid',
  ) {
    super(message);
    this.name = 'AccountError';
  }
}
