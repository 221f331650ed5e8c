/** The e-mail of a notification: a subject that says what happened, and a plain-text body. */
import type { Notification } from '../notification.js';
import { facts, headline } from './notification-text.js';

export interface EmailMessage {
  subject: string;
  text: string;
}

export function emailMessage(notification: Notification): EmailMessage {
  const lines = [notification.message, '', ...facts(notification).map(([label, value]) => `${label}: ${value}`)];
  if (notification.dashboard_url !== null) lines.push('', `Dashboard: ${notification.dashboard_url}`);
  lines.push('', '-- ', 'Sent by tmon');
  // a subject is one line: a name with a line break must not add headers
  return { subject: `[tmon] ${headline(notification)}`.replace(/[\r\n]+/g, ' '), text: lines.join('\n') };
}
