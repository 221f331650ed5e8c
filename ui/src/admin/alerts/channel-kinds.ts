/**
 * How the admin page words each kind of alert channel: its name, what its
 * target is called, an example, and a line of help. The form that adds a
 * channel and the one that edits it read the same wording.
 */
import type { ChannelKind } from '../../shared/alert-types';

export interface ChannelKindWording {
  value: ChannelKind;
  label: string;
  target: string;
  placeholder: string;
  help: string;
}

export const CHANNEL_KINDS: ChannelKindWording[] = [
  {
    value: 'webhook',
    label: 'Webhook',
    target: 'URL',
    placeholder: 'https://example.com/hooks/tmon',
    help: 'tmon POSTs each alert as JSON, signed as Standard Webhooks specifies, with the secret shown after you add it.',
  },
  {
    value: 'slack',
    label: 'Slack',
    target: 'Incoming webhook URL',
    placeholder: 'https://hooks.slack.com/services/…',
    help: "Slack's incoming webhook for the channel that should read the alerts.",
  },
  {
    value: 'discord',
    label: 'Discord',
    target: 'Webhook URL',
    placeholder: 'https://discord.com/api/webhooks/…',
    help: "A Discord channel's webhook (Server settings → Integrations → Webhooks).",
  },
  {
    value: 'email',
    label: 'E-mail',
    target: 'Addresses',
    placeholder: 'ops@example.com, me@example.com',
    help: 'One or more addresses, separated by commas; tmon sends through its SMTP server (TMON_SMTP_URL).',
  },
];
