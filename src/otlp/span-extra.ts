/**
 * A span's attributes that the event's own fields do not hold → the
 * event's extra properties, within their limits (4 KB of JSON; nesting
 * depth is bounded when values are read, any-value.ts). The names stay as
 * OpenTelemetry writes them (`http.route`, `service.name`), one property
 * each.
 *
 * What does not fit is left out, predictably: attributes are taken in a
 * fixed order (`http.route`, then `service.name`, then the span's
 * attributes and then its resource's, each in the order sent), and one that
 * would push the JSON past the limit is skipped while smaller ones after it
 * may still fit. A span attribute hides a resource attribute of the same
 * name. A value holding a lone UTF-16 surrogate is left out too: no store
 * keeps one.
 */
import { EVENT_LIMITS } from '../collect/event.js';
import type { Attributes, AttributeValue } from './trace-export.js';

/** kept first, whatever else does not fit: the URL template (dashboards group by it) and the service */
const FIRST = ['http.route', 'service.name'];

export function spanExtra(
  span: Attributes,
  resource: Attributes,
  mapped: ReadonlySet<string>,
): Record<string, AttributeValue> | null {
  const extra: Record<string, AttributeValue> = {};
  // the JSON's length in UTF-8 bytes so far: `{}`, then `"name":value` and a comma between two
  let bytes = 2;
  let kept = 0;
  const keep = (name: string, value: AttributeValue | undefined) => {
    if (value === undefined || mapped.has(name) || Object.hasOwn(extra, name)) return;
    const entry = `${JSON.stringify(name)}:${JSON.stringify(value)}`;
    // JSON.stringify escapes a lone surrogate as \udxxx, and writes a well-formed pair as is
    if (entry.includes('\\ud')) return;
    const size = Buffer.byteLength(entry, 'utf8') + (kept === 0 ? 0 : 1);
    if (bytes + size > EVENT_LIMITS.extraBytes) return;
    Object.defineProperty(extra, name, { value, enumerable: true, writable: true, configurable: true });
    bytes += size;
    kept++;
  };
  for (const name of FIRST) keep(name, span.get(name) ?? resource.get(name));
  for (const [name, value] of span) keep(name, value);
  for (const [name, value] of resource) keep(name, value);
  return kept === 0 ? null : extra;
}
