/**
 * What a channel may be, checked before anything is stored: its name, its
 * kind, and a target of the kind's shape (an http(s) URL, or e-mail
 * addresses). Whether a URL's host is a safe place to send to is checked at
 * each delivery instead (safe-target.ts): DNS can change after saving.
 */
import type { ApiErrorCode } from '../../errors/catalogue.js';
import { type Refusal, refuse } from '../../errors/refusal.js';
import { ALERT_CHANNEL_KINDS, type AlertChannelKind } from '../../store/alert-channel-store.js';
import { checkTargetUrl } from './safe-target.js';

export type ChannelRefusal = Refusal<ApiErrorCode>;

export const MAX_CHANNEL_NAME = 64;
export const MAX_TARGET_URL = 2048;
/** recipients of one e-mail channel at most: a channel is for a team's address or a few people, not a mailing list */
export const MAX_EMAIL_RECIPIENTS = 10;

/** one address: no spaces, commas or angle brackets, a local part, @, a domain of letters, digits, dots and hyphens */
const EMAIL_SHAPE =
  /^[^\s@,;<>()"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export interface ChannelFields {
  name: string;
  kind: AlertChannelKind;
  target: string;
}

export function checkChannelName(raw: unknown): string | ChannelRefusal {
  if (typeof raw !== 'string' || raw.trim() === '') return refuse('bad_request', 'a channel needs a name');
  const name = raw.trim();
  if (name.length > MAX_CHANNEL_NAME) {
    return refuse('bad_request', `a channel name has at most ${MAX_CHANNEL_NAME} characters, this one ${name.length}`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name))
    return refuse('bad_request', 'a channel name may not hold control characters');
  return name;
}

export function checkChannelKind(raw: unknown): AlertChannelKind | ChannelRefusal {
  if (typeof raw === 'string' && (ALERT_CHANNEL_KINDS as readonly string[]).includes(raw))
    return raw as AlertChannelKind;
  return refuse(
    'bad_request',
    `a channel's kind is one of ${ALERT_CHANNEL_KINDS.join(', ')}, not ${JSON.stringify(raw)}`,
  );
}

/** the target as stored: a URL as given, addresses trimmed and joined with ", " */
export function checkChannelTarget(kind: AlertChannelKind, raw: unknown): string | ChannelRefusal {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return refuse(
      'bad_request',
      kind === 'email' ? 'an e-mail channel needs an address' : `a ${kind} channel needs a URL`,
    );
  }
  const text = raw.trim();
  if (kind === 'email') {
    const addresses = text
      .split(',')
      .map((address) => address.trim())
      .filter((address) => address !== '');
    if (addresses.length > MAX_EMAIL_RECIPIENTS) {
      return refuse(
        'bad_request',
        `an e-mail channel has at most ${MAX_EMAIL_RECIPIENTS} addresses, this one ${addresses.length}`,
      );
    }
    const bad = addresses.find((address) => !EMAIL_SHAPE.test(address));
    if (bad !== undefined) return refuse('bad_request', `"${bad}" is not an e-mail address`);
    if (addresses.length === 0) return refuse('bad_request', 'an e-mail channel needs an address');
    return addresses.join(', ');
  }
  if (text.length > MAX_TARGET_URL) {
    return refuse('bad_request', `a channel URL has at most ${MAX_TARGET_URL} characters, this one ${text.length}`);
  }
  const checked = checkTargetUrl(text);
  if (!checked.ok) return refuse('bad_request', `a ${kind} channel's target: ${checked.error}`);
  return checked.url.href;
}

/** every field of a new channel, or the first refusal */
export function checkNewChannel(input: {
  name: unknown;
  kind: unknown;
  target: unknown;
}): ChannelFields | ChannelRefusal {
  const name = checkChannelName(input.name);
  if (typeof name !== 'string') return name;
  const kind = checkChannelKind(input.kind);
  if (typeof kind !== 'string') return kind;
  const target = checkChannelTarget(kind, input.target);
  if (typeof target !== 'string') return target;
  return { name, kind, target };
}

/** the recipients of an e-mail channel's target */
export function emailRecipients(target: string): string[] {
  return target
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
}
