/**
 * The points the map draws: the page's latest ≤ 500 events grouped by
 * position, merged with what the locations endpoint answered for the visible
 * box (which, zoomed in, reaches further back than the page's 500). Both
 * describe "the latest requests", so a position's count is the larger of the
 * two rather than their sum, which would count the same request twice.
 */
import type { LiveEvent, LocationPoint } from '../types';

export interface MapPoint {
  lat: number;
  lng: number;
  requests: number;
  /** ms, the sender's clock, like the server's buckets */
  lastTs: number;
  city: string | null;
  country: string | null;
  /** the latest request at this position, when the page holds it (for the tooltip) */
  latest: LiveEvent | null;
}

/** ~1 km: the GeoIP database's positions are city centroids, so this groups a city's requests */
const keyOf = (lat: number, lng: number) => `${lat.toFixed(2)},${lng.toFixed(2)}`;

/** `latest` is newest first */
export function buildMapPoints(latest: readonly LiveEvent[], boxPoints: readonly LocationPoint[]): MapPoint[] {
  const byKey = new Map<string, MapPoint>();
  for (const p of boxPoints) {
    byKey.set(keyOf(p.lat, p.lng), {
      lat: p.lat,
      lng: p.lng,
      requests: p.requests,
      lastTs: p.last_ts,
      city: p.city,
      country: p.country,
      latest: null,
    });
  }
  const liveCounts = new Map<string, number>();
  for (const e of latest) {
    if (e.lat === null || e.lng === null) continue;
    const key = keyOf(e.lat, e.lng);
    liveCounts.set(key, (liveCounts.get(key) ?? 0) + 1);
    const point = byKey.get(key);
    if (point === undefined) {
      byKey.set(key, {
        lat: e.lat,
        lng: e.lng,
        requests: 0,
        lastTs: e.ts,
        city: e.city,
        country: e.country_name ?? e.country,
        latest: e,
      });
    } else if (point.latest === null) {
      // newest first: the first event seen at a position is its latest
      point.latest = e;
      point.lastTs = Math.max(point.lastTs, e.ts);
    }
  }
  for (const [key, count] of liveCounts) {
    const point = byKey.get(key)!;
    point.requests = Math.max(point.requests, count);
  }
  // oldest first, so the freshest points are drawn on top
  return [...byKey.values()].sort((a, b) => a.lastTs - b.lastTs);
}
