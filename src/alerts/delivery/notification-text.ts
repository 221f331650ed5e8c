/** The words every channel shows for a notification: a headline and the facts under it. */
import type { Notification } from '../notification.js';

const STATE_WORDS: Record<Notification['type'], string> = {
  'alert.fired': 'Firing',
  'alert.resolved': 'Resolved',
  'alert.reminder': 'Still firing',
  'alert.test': 'Test',
};

/** "Firing: traffic spike (shop)", "Test: channel of shop" */
export function headline(notification: Notification): string {
  const state = STATE_WORDS[notification.type];
  const { rule, service } = notification;
  return rule === null ? `${state}: a test from tmon (${service.name})` : `${state}: ${rule.name} (${service.name})`;
}

/** label → value lines under the message, for the channels that show fields */
export function facts(notification: Notification): Array<[label: string, value: string]> {
  const lines: Array<[string, string]> = [['Service', notification.service.name]];
  const { rule } = notification;
  if (rule !== null) {
    lines.push(['Rule', `${rule.name} (${rule.kind}, threshold ${rule.threshold}, window ${rule.window_seconds} s)`]);
    if (rule.url_prefix !== null) lines.push(['URL prefix', rule.url_prefix]);
  }
  if (notification.value !== null) lines.push(['Value', String(notification.value)]);
  lines.push(['At', notification.timestamp]);
  return lines;
}
