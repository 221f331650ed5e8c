/**
 * Standard Webhooks 1.0 signing: the receiver checks `webhook-signature`
 * against its copy of the channel's secret with any Standard Webhooks
 * library. The signed content is `<webhook-id>.<webhook-timestamp>.<body>`;
 * the id is the delivery's and stays the same on every attempt, so a
 * receiver can drop repeats, while the timestamp is the attempt's, so a
 * receiver may refuse old ones (the reference verifier allows 5 minutes).
 */
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** A channel's secret: `whsec_` and the base64 of 24 random bytes (192 bits, the key itself is the decoded bytes). */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

/** A delivery's `webhook-id`: the same on every attempt. */
export function generateMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The three headers of one attempt; `at` (ms) becomes whole seconds, as the specification counts. */
export function signWebhook(input: { messageId: string; at: number; body: string; secret: string }): SignedHeaders {
  const timestamp = String(Math.floor(input.at / 1000));
  const key = Buffer.from(
    input.secret.startsWith(SECRET_PREFIX) ? input.secret.slice(SECRET_PREFIX.length) : input.secret,
    'base64',
  );
  const signature = createHmac('sha256', key).update(`${input.messageId}.${timestamp}.${input.body}`).digest('base64');
  return { 'webhook-id': input.messageId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
