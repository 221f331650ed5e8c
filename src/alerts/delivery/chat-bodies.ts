/**
 * Slack and Discord incoming-webhook bodies. Both read the text as markup,
 * and a rule or service name is the user's: Slack's control characters are
 * escaped, and Discord is told to ping no one, so a name like "@everyone"
 * stays text.
 */
import type { Notification } from '../notification.js';
import { facts, headline } from './notification-text.js';

const DISCORD_COLORS: Record<Notification['type'], number> = {
  'alert.fired': 0xd93f0b,
  'alert.reminder': 0xe99695,
  'alert.resolved': 0x2da44e,
  'alert.test': 0x5865f2,
};

/** Slack's three control characters in mrkdwn (its docs: "Escaping text") */
function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function slackBody(notification: Notification): object {
  const title = headline(notification);
  const details = facts(notification)
    .map(([label, value]) => `*${label}:* ${slackEscape(value)}`)
    .join('\n');
  const link = notification.dashboard_url === null ? '' : `\n<${notification.dashboard_url}|Open the dashboard>`;
  return {
    // the notification's own text: shown where blocks are not (phone notifications)
    text: `${title}: ${notification.message}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: `${slackEscape(notification.message)}${link}` } },
      { type: 'section', text: { type: 'mrkdwn', text: details } },
    ],
  };
}

export function discordBody(notification: Notification): object {
  return {
    content: headline(notification).slice(0, 2000),
    embeds: [
      {
        title: headline(notification).slice(0, 256),
        description: notification.message.slice(0, 4096),
        ...(notification.dashboard_url === null ? {} : { url: notification.dashboard_url }),
        color: DISCORD_COLORS[notification.type],
        timestamp: notification.timestamp,
        fields: facts(notification).map(([name, value]) => ({ name, value: value.slice(0, 1024), inline: false })),
      },
    ],
    allowed_mentions: { parse: [] },
  };
}
