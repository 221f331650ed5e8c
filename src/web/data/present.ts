/** Store values → the JSON shapes of the query API, docs/api.md (snake_case, ISO country codes with English names). */
import type { Dimension, LocationPoint, RankedValue, StoredEvent } from '../../store/store.js';
import type { CityRow, CountryRow, PresentedEvent, LocationPoint as PresentedPoint, ValueRow } from './answers.js';

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

export function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    // Intl throws on codes that are not regions (e.g. "ZZ"); the code itself is the best name then
    return code;
  }
}

export function presentRanking(
  dimension: Dimension,
  values: readonly RankedValue[],
): CountryRow[] | CityRow[] | ValueRow[] {
  switch (dimension) {
    case 'country':
      return values.map((v) => ({ country: v.key, name: countryName(v.key), requests: v.requests }));
    case 'city':
      return values.map((v) => ({
        city: v.place?.city ?? v.key,
        region: v.place?.region ?? null,
        country: v.place?.country ?? null,
        lat: v.place?.lat ?? null,
        lng: v.place?.lng ?? null,
        requests: v.requests,
      }));
    default:
      // the key is the dimension's name: os, device, browser or url, each a key of ValueRow
      return values.map((v) => ({ [dimension]: v.key, requests: v.requests }) as ValueRow);
  }
}

export function presentLocation(point: LocationPoint): PresentedPoint {
  return {
    lat: point.lat,
    lng: point.lng,
    city: point.city,
    country: point.country,
    requests: point.requests,
    last_ts: point.lastTs,
  };
}

export function presentEvent(event: StoredEvent): PresentedEvent {
  return {
    seq: event.seq,
    ts: event.ts,
    received_at: event.receivedAt,
    url: event.url,
    ip: event.ip,
    useragent: event.useragent,
    username: event.username,
    method: event.method,
    status: event.status,
    duration_ms: event.durationMs,
    referrer: event.referrer,
    id: event.id,
    country: event.geo?.country ?? null,
    country_name: event.geo?.countryName ?? null,
    region: event.geo?.region ?? null,
    city: event.geo?.city ?? null,
    lat: event.geo?.lat ?? null,
    lng: event.geo?.lng ?? null,
    browser: event.agent.browser,
    browser_version: event.agent.browserVersion,
    os: event.agent.os,
    os_version: event.agent.osVersion,
    device: event.agent.device,
    vendor: event.agent.vendor,
    model: event.agent.model,
    bot: event.agent.bot,
    extra: event.extra,
  };
}
