/**
 * Client addresses drawn from the GeoIP database itself: random public
 * addresses, kept when the locator places them in a city, so every one of
 * them lands on the map. Uniform draws follow address allocation (a third
 * would be American); a per-country cap keeps the skew but shows the world,
 * and a per-city cap keeps a registry's home town (DB-IP places much of
 * AFRINIC's space in Quatre Bornes, Mauritius) from topping the rankings.
 */
import type { Geo } from '../enrich/enriched-event.js';
import { pickUniform, type Random, randomInt } from './random.js';

export interface IpPool {
  ips: string[];
  countries: number;
  cities: number;
}

export interface IpPoolOptions {
  size: number;
  random: Random;
  /** share of IPv6 addresses (default 0.1) */
  ipv6Share?: number;
  /** no country gets more than this share of the pool (default 0.15) */
  countryCap?: number;
  /** no city gets more than this share of the pool (default 0.01) */
  cityCap?: number;
}

/** The RIRs' big IPv6 blocks (2400::/12 APNIC, 2600::/12 ARIN, 2800::/12 LACNIC, 2a00::/12 RIPE, 2c00::/12 AFRINIC). */
const IPV6_BLOCKS = [0x2400, 0x2600, 0x2800, 0x2a00, 0x2c00];

export function buildIpPool(locate: (ip: string) => Geo | null, options: IpPoolOptions): IpPool {
  const { size, random } = options;
  const ipv6Target = Math.round(size * (options.ipv6Share ?? 0.1));
  const cap = Math.max(1, Math.ceil(size * (options.countryCap ?? 0.15)));
  const cityCap = Math.max(1, Math.ceil(size * (options.cityCap ?? 0.01)));
  const perCountry = new Map<string, number>();
  const perCity = new Map<string, number>();
  const ips: string[] = [];
  let ipv6 = 0;
  // ~1 in 1.1 random IPv4 addresses resolves to a city (measured): the bound only stops a broken database
  const maxAttempts = size * 200;
  for (let attempt = 0; ips.length < size && attempt < maxAttempts; attempt++) {
    const wantIpv6 = ipv6 < ipv6Target && attempt % 2 === 0;
    const ip = wantIpv6 ? randomIpv6(random) : randomIpv4(random);
    const geo = locate(ip);
    if (geo === null || geo.city === null) continue;
    const count = perCountry.get(geo.country) ?? 0;
    const city = `${geo.country}/${geo.region}/${geo.city}`;
    const inCity = perCity.get(city) ?? 0;
    if (count >= cap || inCity >= cityCap) continue;
    perCountry.set(geo.country, count + 1);
    perCity.set(city, inCity + 1);
    ips.push(ip);
    if (wantIpv6) ipv6 += 1;
  }
  if (ips.length === 0) throw new Error('the GeoIP database placed none of the random addresses in a city');
  return { ips, countries: perCountry.size, cities: perCity.size };
}

function randomIpv4(random: Random): string {
  // 1–223: unicast; the locator itself turns away private and reserved ranges
  return `${1 + randomInt(random, 223)}.${randomInt(random, 256)}.${randomInt(random, 256)}.${1 + randomInt(random, 254)}`;
}

function randomIpv6(random: Random): string {
  const block = pickUniform(random, IPV6_BLOCKS) | randomInt(random, 0x10);
  const group = () => randomInt(random, 0x10000).toString(16);
  return `${block.toString(16)}:${group()}:${group()}:${group()}::${(1 + randomInt(random, 0xfffe)).toString(16)}`;
}
