import type { CollectedEvent } from '../collect/event.types.js';
import { anonymizeIp } from './anonymize-ip.js';
import type { Agent, EnrichedEvent } from './enriched-event.js';
import type { GeoLocator } from './geoip.js';

export interface EnricherDeps {
  geo: GeoLocator;
  parseAgent: (useragent: string) => Agent;
  /** TMON_ANONYMIZE_IP: store the /24 (IPv4) or /48 (IPv6) instead of the address */
  anonymizeIps: boolean;
}

/** Adds geo and agent to an event; with anonymizeIps, truncates the ip after it was geolocated (TMON_ANONYMIZE_IP, docs/configuration.md). */
export function createEnricher(deps: EnricherDeps): (event: CollectedEvent) => EnrichedEvent {
  const { geo, parseAgent, anonymizeIps } = deps;
  return (event) => {
    const located = geo.locate(event.ip); // before truncation: a /24 may straddle cities
    // field by field, not spread: one shape for every event, and cheaper than a spread per event
    return {
      url: event.url,
      ip: anonymizeIps ? anonymizeIp(event.ip) : event.ip,
      useragent: event.useragent,
      username: event.username,
      ts: event.ts,
      method: event.method,
      status: event.status,
      durationMs: event.durationMs,
      referrer: event.referrer,
      id: event.id,
      extra: event.extra,
      geo: located,
      agent: parseAgent(event.useragent),
    };
  };
}
