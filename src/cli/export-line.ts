/** One line of `tmon export` (the shape of presentEvent) read back as the event it was: for both imports. */
import type { DeviceType, EnrichedEvent } from '../enrich/enriched-event.js';

export type ExportLine = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** One line of `tmon export` (the shape of presentEvent) → the event as it was stored. */
export function eventFromExport(line: ExportLine): EnrichedEvent {
  const url = text(line.url);
  const ts = number(line.ts);
  const seq = number(line.seq);
  if (url === null || ts === null || seq === null) throw new Error('not a line of tmon export (url, ts, seq)');
  const country = text(line.country);
  return {
    url,
    ip: text(line.ip) ?? '',
    useragent: text(line.useragent) ?? '',
    username: text(line.username),
    ts,
    method: text(line.method),
    status: number(line.status),
    durationMs: number(line.duration_ms),
    referrer: text(line.referrer),
    id: text(line.id) ?? `export-${seq}`,
    extra: typeof line.extra === 'object' && line.extra !== null ? (line.extra as Record<string, unknown>) : null,
    geo:
      country === null
        ? null
        : {
            country,
            countryName: text(line.country_name) ?? country,
            region: text(line.region),
            city: text(line.city),
            lat: number(line.lat),
            lng: number(line.lng),
          },
    agent: {
      browser: text(line.browser),
      browserVersion: text(line.browser_version),
      os: text(line.os),
      osVersion: text(line.os_version),
      device: (text(line.device) ?? 'other') as DeviceType,
      vendor: text(line.vendor),
      model: text(line.model),
      bot: line.bot === true,
    },
  };
}
