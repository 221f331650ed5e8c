import type { EnrichedEvent, Geo } from '../enrich/enriched-event.js';
import type { Dimension } from './vocabulary.js';

/** What of an event its rankings read. */
export type RankedFields = Pick<EnrichedEvent, 'url' | 'geo' | 'agent'>;

/**
 * The key an event is ranked under, per dimension, or null when the event has
 * no value for it. Unknown values are skipped rather than keyed "unknown": a
 * ranking lists what is known (an event from a private address has no country
 * to rank), and the request series still counts every event. `device` always
 * has a value (`other` when nothing is known).
 */
export function dimensionKey(event: RankedFields, dimension: Dimension): string | null {
  switch (dimension) {
    case 'country':
      return event.geo?.country || null;
    case 'city':
      return event.geo ? cityKey(event.geo) : null;
    case 'os':
      return event.agent.os || null;
    case 'device':
      return event.agent.device;
    case 'browser':
      return event.agent.browser || null;
    case 'url':
      // ranked as sent (path and query): the sender decides what a page is
      return event.url;
  }
}

/**
 * Cities are keyed by country, region and name together: "Springfield" is
 * many places. Tabs cannot occur in GeoIP names.
 */
export function cityKey(geo: Geo): string | null {
  if (!geo.city || !geo.country) return null;
  return `${geo.country}\t${geo.region ?? ''}\t${geo.city}`;
}

export interface CityPlace {
  city: string;
  region: string | null;
  country: string;
}

/** Splits a city key back into its parts. */
export function parseCityKey(key: string): CityPlace {
  const [country = '', region = '', ...rest] = key.split('\t');
  return { country, region: region === '' ? null : region, city: rest.join('\t') };
}
