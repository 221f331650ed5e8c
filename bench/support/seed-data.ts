/**
 * Enriched events for seeding the query benchmark, with the cardinality of a
 * busy site: ~250 countries and ~3,000 cities drawn Zipf-like (a few
 * countries carry most traffic), a few dozen OS/browser values, a long tail
 * of ~20,000 URLs. Positions cluster around each country's centre; Berlin,
 * and cities either side of the antimeridian, are real places, so the
 * small-box and antimeridian queries have something to find.
 */
import type { Agent, DeviceType, EnrichedEvent, Geo } from '../../src/enrich/enriched-event.js';

/** A deterministic PRNG (mulberry32), so two seedings of the same size are the same data. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws index k of n with weight 1/(k+1)^s. */
export class Zipf {
  private readonly cumulative: Float64Array;

  constructor(
    readonly n: number,
    s = 1.1,
  ) {
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / (k + 1) ** s;
      this.cumulative[k] = sum;
    }
    for (let k = 0; k < n; k++) this.cumulative[k]! /= sum;
  }

  draw(rand: () => number): number {
    const u = rand();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

interface Country {
  code: string;
  name: string;
  lat: number;
  lng: number;
}

/** Most-visited first; the rest follow in code order. Centres are approximate. */
const KNOWN: Record<string, [number, number]> = {
  US: [39, -98],
  DE: [51, 10],
  GB: [53, -2],
  FR: [46.5, 2.5],
  IN: [22, 79],
  BR: [-12, -52],
  JP: [36, 138],
  CN: [34, 108],
  CA: [56, -100],
  RU: [56, 38],
  AU: [-26, 134],
  NL: [52.2, 5.3],
  ES: [40, -4],
  IT: [42.8, 12.5],
  MX: [23, -102],
  KR: [36.5, 128],
  PL: [52, 19.5],
  SE: [60, 15],
  ID: [-2, 118],
  TR: [39, 35],
  FJ: [-17.8, 178.1],
  NZ: [-41, 174],
  TO: [-21.1, -175.2],
  WS: [-13.8, -172],
  KI: [1.9, -157.4],
  TV: [-8.5, 179.2],
};

function countries(): Country[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const rand = random(7);
  const all: Country[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      let name: string | undefined;
      try {
        name = names.of(code);
      } catch {
        name = undefined;
      }
      if (!name || name === code || /unknown/i.test(name)) continue;
      const [lat, lng] = KNOWN[code] ?? [rand() * 120 - 55, rand() * 340 - 170];
      all.push({ code, name, lat, lng });
    }
  }
  const rank = (c: Country) => {
    const i = Object.keys(KNOWN).indexOf(c.code);
    return i === -1 ? 1_000 : i;
  };
  return all.sort((x, y) => rank(x) - rank(y) || x.code.localeCompare(y.code));
}

const REAL_CITIES: Record<string, [string, string, number, number][]> = {
  DE: [
    ['Berlin', 'Berlin', 52.52, 13.405],
    ['Potsdam', 'Brandenburg', 52.39, 13.06],
    ['Munich', 'Bavaria', 48.14, 11.58],
  ],
  FJ: [
    ['Suva', 'Central', -18.14, 178.44],
    ['Lautoka', 'Western', -17.61, 177.45],
  ],
  TO: [["Nuku'alofa", 'Tongatapu', -21.14, -175.2]],
  WS: [['Apia', 'Tuamasaga', -13.83, -171.76]],
  TV: [['Funafuti', 'Funafuti', -8.52, 179.2]],
};

const OSES = [
  'Windows',
  'iOS',
  'Android',
  'macOS',
  'Linux',
  'Chrome OS',
  'iPadOS',
  'Ubuntu',
  'Fedora',
  'HarmonyOS',
  'KaiOS',
  'FreeBSD',
  'Tizen',
  'webOS',
  'Windows Phone',
];
const BROWSERS = [
  'Chrome',
  'Mobile Safari',
  'Safari',
  'Edge',
  'Firefox',
  'Samsung Internet',
  'Opera',
  'Chrome WebView',
  'Yandex',
  'UCBrowser',
  'Brave',
  'Vivaldi',
  'Facebook',
  'Instagram',
  'DuckDuckGo',
  'Mobile Firefox',
  'Opera Mini',
  'MIUI Browser',
  'Silk',
  'QQBrowser',
  'Whale',
  'Googlebot',
  'Bingbot',
  'curl',
  'python-requests',
];
const DEVICES: DeviceType[] = ['desktop', 'mobile', 'tablet', 'bot', 'other'];
const SECTIONS = ['products', 'blog', 'docs', 'category', 'users', 'search', 'help', 'news', 'api/items', 'tags'];

export interface SeedShape {
  countries: number;
  cities: number;
  urls: number;
}

/** Builds events with ts given by the caller; everything else drawn from the distributions above. */
export class SeedEvents {
  private readonly rand = random(42);
  private readonly countryList = countries();
  private readonly cities: Geo[][];
  private readonly countryZipf: Zipf;
  private readonly cityZipfs: Zipf[];
  private readonly urlZipf = new Zipf(20_000, 1.0);
  private readonly osZipf = new Zipf(OSES.length, 1.3);
  private readonly browserZipf = new Zipf(BROWSERS.length, 1.3);
  private readonly deviceZipf = new Zipf(DEVICES.length, 1.5);
  /** versions back from the newest: most traffic runs the last few, as on the web */
  private readonly versionZipf = new Zipf(15, 1.5);
  /** one agent string and Agent object per parse, as the server's parser cache hands them out */
  private readonly agents = new Map<string, { useragent: string; agent: Agent }>();

  constructor() {
    this.countryZipf = new Zipf(this.countryList.length, 1.1);
    // bigger countries get more cities: ~3,000 in all
    this.cities = this.countryList.map((country, rank) => {
      const count = Math.max(3, Math.round(150 / (rank + 1) ** 0.6));
      const real = (REAL_CITIES[country.code] ?? []).map(([city, region, lat, lng]) => ({
        country: country.code,
        countryName: country.name,
        region,
        city,
        lat,
        lng,
      }));
      const made = Array.from({ length: Math.max(0, count - real.length) }, (_, k) => ({
        country: country.code,
        countryName: country.name,
        region: `Region ${(k % 12) + 1}`,
        city: `${country.name} City ${k + 1}`,
        lat: clamp(country.lat + (this.rand() - 0.5) * 8, -85, 85),
        lng: wrap(country.lng + (this.rand() - 0.5) * 10),
      }));
      return [...real, ...made];
    });
    this.cityZipfs = this.cities.map((list) => new Zipf(list.length, 1.0));
  }

  get shape(): SeedShape {
    return {
      countries: this.countryList.length,
      cities: this.cities.reduce((n, l) => n + l.length, 0),
      urls: this.urlZipf.n,
    };
  }

  /** A made-up agent string that says what it parses to: distinct parses, distinct strings. */
  private agentOf(browser: string, browserVersion: string, os: string, osVersion: string, device: DeviceType) {
    const useragent = `Mozilla/5.0 (${os} ${osVersion}; ${device}) ${browser}/${browserVersion}`;
    let known = this.agents.get(useragent);
    if (known === undefined) {
      const agent = {
        browser,
        browserVersion,
        os,
        osVersion,
        device,
        vendor: null,
        model: null,
        bot: device === 'bot',
      };
      known = { useragent, agent };
      this.agents.set(useragent, known);
    }
    return known;
  }

  event(ts: number): EnrichedEvent {
    const r = this.rand;
    const c = this.countryZipf.draw(r);
    const geo = r() < 0.02 ? null : (this.cities[c]![this.cityZipfs[c]!.draw(r)] as Geo);
    const u = this.urlZipf.draw(r);
    const device = DEVICES[this.deviceZipf.draw(r)] as DeviceType;
    const { useragent, agent } = this.agentOf(
      BROWSERS[this.browserZipf.draw(r)] as string,
      String(131 - this.versionZipf.draw(r)),
      OSES[this.osZipf.draw(r)] as string,
      String(15 - this.versionZipf.draw(r)),
      device,
    );
    return {
      url: u === 0 ? '/' : `/${SECTIONS[u % SECTIONS.length]}/${u}`,
      ip: `${1 + Math.floor(r() * 222)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`,
      useragent,
      username: r() < 0.1 ? `user${Math.floor(r() * 5000)}` : null,
      ts,
      method: r() < 0.9 ? 'GET' : 'POST',
      status: r() < 0.95 ? 200 : 404,
      durationMs: Math.round(r() * 4000) / 10,
      referrer: r() < 0.3 ? 'https://www.google.com/' : null,
      id: null,
      extra: null,
      geo,
      agent,
    };
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function wrap(lng: number): number {
  return ((((lng + 180) % 360) + 360) % 360) - 180;
}
