/**
 * One attempt of one delivery: the stored notification rendered for the
 * channel's kind and sent. Rendering happens here, at send time, so a
 * channel whose URL or addresses changed gets the retry at its new target.
 */
import type { Clock } from '../../clock.js';
import type { ClaimedDelivery } from '../../store/alert-channel-store.js';
import type { Notification } from '../notification.js';
import type { AttemptOutcome } from './attempt-outcome.js';
import { emailRecipients } from './channel-input.js';
import { discordBody, slackBody } from './chat-bodies.js';
import { emailMessage } from './email-message.js';
import { postToTarget } from './http-sender.js';
import type { ResolveAll } from './safe-target.js';
import { noSmtpOutcome, type SmtpSender } from './smtp-sender.js';
import { signWebhook } from './standard-webhooks.js';

export interface SendDeps {
  clock: Clock;
  /** TMON_ALERT_PRIVATE_TARGETS */
  allowPrivate: boolean;
  /** null when TMON_SMTP_URL is not set */
  smtp: SmtpSender | null;
  userAgent: string;
  /** each attempt's deadline (http-sender.ts's 10 s unless a test sets less) */
  timeoutMs?: number;
  resolveAll?: ResolveAll;
}

export type SendDelivery = (claimed: ClaimedDelivery) => Promise<AttemptOutcome>;

export function createSendDelivery(deps: SendDeps): SendDelivery {
  const http = {
    allowPrivate: deps.allowPrivate,
    clock: deps.clock,
    timeoutMs: deps.timeoutMs,
    resolveAll: deps.resolveAll,
    userAgent: deps.userAgent,
  };
  return async ({ delivery, channel }) => {
    switch (channel.kind) {
      case 'webhook': {
        // the body is the stored payload byte for byte: it is what the signature covers
        const headers = signWebhook({
          messageId: delivery.messageId,
          at: deps.clock(),
          body: delivery.payload,
          secret: channel.secret ?? '',
        });
        return postToTarget({ url: channel.target, headers: { ...headers }, body: delivery.payload }, http);
      }
      case 'slack':
        return postToTarget(
          { url: channel.target, headers: {}, body: JSON.stringify(slackBody(parse(delivery.payload))) },
          http,
        );
      case 'discord':
        return postToTarget(
          { url: channel.target, headers: {}, body: JSON.stringify(discordBody(parse(delivery.payload))) },
          http,
        );
      case 'email':
        if (deps.smtp === null) return noSmtpOutcome();
        return deps.smtp.send(emailRecipients(channel.target), emailMessage(parse(delivery.payload)));
    }
  };
}

function parse(payload: string): Notification {
  return JSON.parse(payload) as Notification;
}
