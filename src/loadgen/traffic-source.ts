/** The loadgen traffic ready to draw from: an address pool from the GeoIP database and the mix over it. */
import type { GeoLocator } from '../enrich/geoip.js';
import { openGeoLocator } from '../enrich/geoip.js';
import { buildIpPool } from './ip-pool.js';
import { type Random, seededRandom } from './random.js';
import { createTrafficMix, type TrafficEvent } from './traffic-mix.js';

/** a few thousand addresses: ~100 countries and over a thousand cities on the map */
const POOL_SIZE = 3_000;

export interface TrafficSource {
  nextEvent: () => TrafficEvent;
  countries: number;
  cities: number;
}

export async function createTrafficSource(
  options: { seed?: number; locator?: GeoLocator } = {},
): Promise<TrafficSource> {
  const random: Random = options.seed === undefined ? Math.random : seededRandom(options.seed);
  // the shipped DB-IP City Lite, the same data tmon locates with: every address lands on the map
  const locator = options.locator ?? (await openGeoLocator({ cacheSize: 0 }));
  const pool = buildIpPool((ip) => locator.locate(ip), { size: POOL_SIZE, random });
  return { nextEvent: createTrafficMix(pool.ips, random), countries: pool.countries, cities: pool.cities };
}
