import type { Geo } from '../enrich/enriched-event.js';

/** Where a ranked city is: the first position seen for its key. */
export interface Place {
  city: string;
  region: string | null;
  country: string;
  lat: number | null;
  lng: number | null;
}

export function placeOf(geo: Geo): Place | null {
  if (!geo.city || !geo.country) return null;
  return { city: geo.city, region: geo.region, country: geo.country, lat: geo.lat, lng: geo.lng };
}
