/**
 * E-mail over the operator's SMTP server (TMON_SMTP_URL, smtp:// or
 * smtps://, with its credentials in the URL), from TMON_SMTP_FROM. The
 * server is the operator's, not a channel owner's, so it is not checked as
 * webhook targets are; the recipients are the channel's.
 */
import nodemailer, { type NodemailerError, type Transporter } from 'nodemailer';
import { type AttemptOutcome, answerText } from './attempt-outcome.js';
import type { EmailMessage } from './email-message.js';
import { ATTEMPT_TIMEOUT_MS } from './http-sender.js';

export interface SmtpSettings {
  url: string;
  from: string;
}

export interface SmtpSender {
  send(to: string[], message: EmailMessage): Promise<AttemptOutcome>;
  close(): void;
}

/** what every e-mail attempt gives when TMON_SMTP_URL is not set: retried, so a restart with it set still delivers */
export function noSmtpOutcome(): AttemptOutcome {
  return {
    status: null,
    answer: null,
    error: 'e-mail is not set up: TMON_SMTP_URL and TMON_SMTP_FROM are not set',
    retryAfterMs: null,
    permanent: false,
    durationMs: 0,
  };
}

export function createSmtpSender(settings: SmtpSettings, timeoutMs = ATTEMPT_TIMEOUT_MS): SmtpSender {
  const transport: Transporter = nodemailer.createTransport({
    url: settings.url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(to, message) {
      // durations by the monotonic clock: the injected one says when, not how long
      const started = performance.now();
      const took = () => Math.round(performance.now() - started);
      try {
        // nodemailer's timeouts are per step (connect, greeting, each reply): this one bounds the whole attempt
        let deadline: NodeJS.Timeout | undefined;
        const info = await Promise.race([
          transport.sendMail({ from: settings.from, to, subject: message.subject, text: message.text }),
          new Promise<never>((_resolve, reject) => {
            deadline = setTimeout(
              () => reject(Object.assign(new Error(`no answer in ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
              timeoutMs,
            );
          }),
        ]).finally(() => clearTimeout(deadline));
        const response = String(info.response ?? '');
        const rejected = (info.rejected ?? []).map(String);
        const status = Number.parseInt(response, 10);
        if (rejected.length > 0) {
          // the others got it: sending again would repeat theirs, so this is recorded, not retried
          return {
            status: Number.isNaN(status) ? null : status,
            answer: answerText(Buffer.from(response)),
            error: `refused recipients: ${rejected.join(', ')}`,
            retryAfterMs: null,
            permanent: true,
            durationMs: took(),
          };
        }
        return {
          status: Number.isNaN(status) ? 250 : status,
          answer: answerText(Buffer.from(response)),
          error: null,
          retryAfterMs: null,
          permanent: false,
          durationMs: took(),
        };
      } catch (caught) {
        const error = caught as NodemailerError;
        return {
          status: error.responseCode ?? null,
          answer: error.response === undefined ? null : answerText(Buffer.from(error.response)),
          error: error.code ? `${error.code}: ${error.message}` : error.message,
          retryAfterMs: null,
          // a 5xx reply (but 503) refuses the message for good; a lost connection may pass
          permanent: error.permanent === true,
          durationMs: took(),
        };
      }
    },
    close() {
      transport.close();
    },
  };
}
