import type { Geo } from './enriched-event.js';

/**
 * Turns one database record into a `Geo`, whichever of the two City schemas it follows:
 *
 * - flat (ip-location-db's DB-IP City Lite): `country_code`, `state1`, `city`, `latitude`, `longitude`;
 * - nested (MaxMind GeoIP2/GeoLite2 City, DB-IP's own mmdb): `country.iso_code`, `country.names.en`,
 *   `subdivisions[0].names.en`, `city.names.en`, `location.latitude`, `location.longitude`.
 *
 * The shape is read from each record (a string `country_code` means flat) rather than from the
 * metadata's free-form `database_type`. A record without a country gives null: `Geo.country` is required.
 */
export function geoFromRecord(record: unknown, countryName: (code: string) => string): Geo | null {
  if (!isObject(record)) return null;
  return typeof record.country_code === 'string'
    ? geoFromFlat(record, countryName)
    : geoFromNested(record, countryName);
}

type Fields = Record<string, unknown>;

function geoFromFlat(record: Fields, countryName: (code: string) => string): Geo | null {
  const country = countryCode(record.country_code);
  if (country === null) return null;
  return {
    country,
    countryName: countryName(country),
    region: text(record.state1),
    city: text(record.city),
    lat: coordinate(record.latitude, 90),
    lng: coordinate(record.longitude, 180),
  };
}

function geoFromNested(record: Fields, countryName: (code: string) => string): Geo | null {
  const countryRecord = isObject(record.country) ? record.country : {};
  const country = countryCode(countryRecord.iso_code);
  if (country === null) return null;
  const subdivisions = Array.isArray(record.subdivisions) ? record.subdivisions : [];
  const location = isObject(record.location) ? record.location : {};
  return {
    country,
    countryName: text(isObject(countryRecord.names) ? countryRecord.names.en : null) ?? countryName(country),
    region: englishName(subdivisions[0]),
    city: englishName(record.city),
    lat: coordinate(location.latitude, 90),
    lng: coordinate(location.longitude, 180),
  };
}

/** `names.en`, else the first name in any language (a database built without English): better than no city. */
function englishName(entity: unknown): string | null {
  if (!isObject(entity) || !isObject(entity.names)) return null;
  const { names } = entity;
  return text(names.en) ?? text(Object.values(names)[0]);
}

function countryCode(value: unknown): string | null {
  // DB-IP writes ZZ for "unknown"; anything else that is not two letters is not a country either.
  if (typeof value !== 'string' || !/^[A-Za-z]{2}$/.test(value) || /^zz$/i.test(value)) return null;
  return value.toUpperCase();
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Rounded to 4 decimals (~11 m): the flat files store float32, so 37.422000885009766 becomes 37.422. */
function coordinate(value: unknown, limit: number): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit) return null;
  return Math.round(value * 1e4) / 1e4;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
