import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';
import UAParser from 'ua-parser-js';
import type { Agent, DeviceType } from './enriched-event.js';

export interface AgentParserOptions {
  /** Distinct user agents kept parsed; default 10,000 (a few MB: a day's traffic rarely has more). */
  cacheSize?: number;
}

// ua-parser's OS names (v1) for which "no device type" means a desktop or laptop.
const desktopOs = new Set([
  'Windows',
  'Mac OS',
  'macOS',
  'Linux',
  'Ubuntu',
  'Debian',
  'Fedora',
  'Mint',
  'Arch',
  'Gentoo',
  'Slackware',
  'SUSE',
  'openSUSE',
  'CentOS',
  'RedHat',
  'Red Hat',
  'Mandriva',
  'Manjaro',
  'elementary OS',
  'Deepin',
  'Zenwalk',
  'PCLinuxOS',
  'Chromium OS',
  'Chrome OS',
  'FreeBSD',
  'OpenBSD',
  'NetBSD',
  'DragonFly',
  'Solaris',
  'Haiku',
  'BeOS',
  'OS/2',
  'AIX',
  'HP-UX',
  'Unix',
  'GNU',
]);

// …and for which it means a phone (ua-parser names the type when it recognises the device model).
const mobileOs = new Set(['iOS', 'Android', 'Windows Phone', 'Windows Mobile', 'BlackBerry', 'Symbian', 'KaiOS']);

/**
 * Returns a parser from user-agent text to `Agent`, memoised in an LRU: parsing costs tens of µs,
 * and the same few thousand user agents make most of a site's traffic. Returned agents are frozen
 * and shared between events.
 */
export function createAgentParser(options: AgentParserOptions = {}): (useragent: string) => Agent {
  const cache = new LRUCache<string, Agent>({ max: options.cacheSize ?? 10_000 });
  return (useragent) => {
    let agent = cache.get(useragent);
    if (agent === undefined) {
      agent = parseAgent(useragent);
      cache.set(useragent, agent);
    }
    return agent;
  };
}

/** One uncached parse: ua-parser-js for the names and versions, isbot for the bot verdict. */
export function parseAgent(useragent: string): Agent {
  const { browser, os, device } = UAParser(useragent);
  const bot = isbot(useragent);
  const osName = text(os.name);
  const browserName = text(browser.name);
  return Object.freeze({
    browser: browserName,
    browserVersion: text(browser.major),
    os: osName,
    osVersion: text(os.version),
    device: bot ? 'bot' : deviceType(text(device.type), osName, browserName),
    vendor: text(device.vendor),
    model: text(device.model),
    bot,
  });
}

function deviceType(type: string | null, os: string | null, browser: string | null): DeviceType {
  if (type === 'mobile' || type === 'tablet') return type;
  if (type !== null) return 'other'; // console, smarttv, wearable, embedded, xr
  if (os === null) return browser === null ? 'other' : 'desktop';
  if (desktopOs.has(os)) return 'desktop';
  if (mobileOs.has(os)) return 'mobile';
  return 'other';
}

function text(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}
