/**
 * The traffic `tmon loadgen` sends: visitors (an address from the GeoIP pool,
 * a device, maybe a signed-in user) who each make a few requests before
 * others take their place; a weighted mix of desktop, mobile, tablet and bot
 * agents; URLs and users with a long tail; mostly successes with a few
 * errors; skewed latencies.
 */
import { logNormal, pickUniform, type Random, randomInt, weightedPicker, zipfPicker } from './random.js';
import { SITE_SECTIONS, USER_AGENT_MIX, USERNAME_STEMS } from './traffic-data.js';

export interface TrafficEvent {
  url: string;
  ip: string;
  useragent: string;
  method: string;
  status: number;
  duration_ms: number;
  username?: string;
  referrer?: string;
}

interface Visitor {
  ip: string;
  useragent: string;
  bot: boolean;
  username: string | null;
  referrer: string | null;
}

/** visitors active at once: enough for a busy map, few enough that they come back */
const ACTIVE_VISITORS = 500;
/** chance per request that a new visitor replaces one: ~20 requests per visit */
const TURNOVER = 0.05;

const pickAgent = weightedPicker(USER_AGENT_MIX.map((agent) => [agent, agent.weight] as const));
const pickMethod = weightedPicker([
  ['GET', 86],
  ['POST', 10],
  ['PUT', 2],
  ['DELETE', 1],
  ['HEAD', 1],
] as const);
const pickStatus = weightedPicker([
  [200, 870],
  [304, 40],
  [301, 15],
  [302, 15],
  [201, 10],
  [404, 30],
  [401, 5],
  [403, 3],
  [429, 2],
  [500, 7],
  [502, 1],
  [503, 2],
] as const);
const pickReferrer = weightedPicker([
  [null, 55],
  ['https://www.google.com/', 25],
  ['https://www.bing.com/', 4],
  ['https://duckduckgo.com/', 4],
  ['https://news.ycombinator.com/', 3],
  ['https://t.co/', 3],
  ['https://www.facebook.com/', 3],
  ['https://www.reddit.com/', 3],
] as const);

/** A long-tailed catalogue: each section's pages, ranked, then mixed by the sections' weights. */
function buildCatalogue(): string[] {
  const pages: [string, number][] = [];
  for (const section of SITE_SECTIONS) {
    section.paths.forEach((path, rank) => {
      pages.push([path, section.weight / (rank + 1) ** 1.1]);
    });
  }
  return pages.sort((a, b) => b[1] - a[1]).map(([path]) => path);
}

function buildUsernames(random: Random, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${pickUniform(random, USERNAME_STEMS)}${i % 3 === 0 ? '' : i}`);
}

export function createTrafficMix(ips: readonly string[], random: Random): () => TrafficEvent {
  const pickUrl = zipfPicker(buildCatalogue(), 1.05);
  const pickUser = zipfPicker(buildUsernames(random, 800), 0.9);

  const newVisitor = (): Visitor => {
    const agent = pickAgent(random);
    // bots never sign in; about a third of people do
    const username = !agent.bot && random() < 0.35 ? pickUser(random) : null;
    return {
      ip: pickUniform(random, ips),
      useragent: agent.ua,
      bot: agent.bot,
      username,
      referrer: pickReferrer(random),
    };
  };
  const visitors = Array.from({ length: ACTIVE_VISITORS }, newVisitor);

  return () => {
    const slot = randomInt(random, visitors.length);
    if (random() < TURNOVER) visitors[slot] = newVisitor();
    const visitor = visitors[slot] as Visitor;
    const url = visitor.bot && random() < 0.2 ? '/robots.txt' : withQuery(pickUrl(random), random);
    const method = visitor.bot ? 'GET' : pickMethod(random);
    const status = pickStatus(random);
    return {
      url,
      ip: visitor.ip,
      useragent: visitor.useragent,
      method,
      status,
      duration_ms: Math.round(latency(random, status, method) * 10) / 10,
      ...(visitor.username === null ? {} : { username: visitor.username }),
      // only a visit's landing request carries the outside referrer
      ...(visitor.referrer !== null && random() < 0.1 ? { referrer: visitor.referrer } : {}),
    };
  };
}

function withQuery(path: string, random: Random): string {
  if (path === '/search') return `/search?q=${pickUniform(random, ['shoes', 'gift', 'sale', 'lamp', 'desk', 'bag'])}`;
  if (path.startsWith('/products') && random() < 0.1) return `${path}?page=${1 + randomInt(random, 20)}`;
  return path;
}

/** ms: cache hits are fast, writes slower, failures either fast (4xx) or slow (timeouts behind 5xx). */
function latency(random: Random, status: number, method: string): number {
  if (status === 304 || status === 301 || status === 302) return logNormal(random, 3, 0.5);
  if (status >= 500) return logNormal(random, 900, 0.9);
  if (status >= 400) return logNormal(random, 8, 0.6);
  return logNormal(random, method === 'GET' ? 35 : 120, 0.8);
}
