/// <reference lib="es2024.string" />
// Node 20 has String#isWellFormed; the ES2022 lib of tsconfig does not declare it
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
  const candidates: [string, AttributeValue][] = [];
  const taken = new Set<string>();
  const take = (name: string, value: AttributeValue | undefined) => {
    if (value === undefined || mapped.has(name) || taken.has(name)) return;
    taken.add(name);
    candidates.push([name, value]);
  };
  for (const name of FIRST) take(name, span.get(name) ?? resource.get(name));
  for (const [name, value] of span) take(name, value);
  for (const [name, value] of resource) take(name, value);
  if (candidates.length === 0) return null;

  // nearly always everything fits: one JSON.stringify tells, and only an export that does not pays for the rest
  const all = objectOf(candidates);
  const json = JSON.stringify(all);
  if (json.length * 3 <= EVENT_LIMITS.extraBytes || Buffer.byteLength(json, 'utf8') <= EVENT_LIMITS.extraBytes) {
    if (!json.includes('\\ud')) return all;
  }
  return fitted(candidates);
}

/** The candidates in order, each kept while the JSON stays within its limit. */
function fitted(candidates: readonly [string, AttributeValue][]): Record<string, AttributeValue> | null {
  const kept: [string, AttributeValue][] = [];
  // the JSON's length in UTF-8 bytes so far: `{}`, then `"name":value` and a comma between two
  let bytes = 2;
  for (const [name, value] of candidates) {
    const entry = `${JSON.stringify(name)}:${JSON.stringify(value)}`;
    // JSON.stringify escapes a lone surrogate as \udxxx (and writes a well-formed pair as is): only then look
    if (entry.includes('\\ud') && !(name.isWellFormed() && wellFormed(value))) continue;
    const size = Buffer.byteLength(entry, 'utf8') + (kept.length === 0 ? 0 : 1);
    if (bytes + size > EVENT_LIMITS.extraBytes) continue;
    kept.push([name, value]);
    bytes += size;
  }
  return kept.length === 0 ? null : objectOf(kept);
}

/** Whether every text in the value is well-formed UTF-16 (no lone surrogate). */
function wellFormed(value: AttributeValue): boolean {
  if (typeof value === 'string') return value.isWellFormed();
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(wellFormed);
  return Object.entries(value).every(([key, inner]) => key.isWellFormed() && wellFormed(inner));
}

function objectOf(entries: readonly [string, AttributeValue][]): Record<string, AttributeValue> {
  const object: Record<string, AttributeValue> = {};
  for (const [name, value] of entries) {
    // plain assignment of "__proto__" would set the prototype instead of keeping the attribute
    if (name === '__proto__') {
      Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
    } else object[name] = value;
  }
  return object;
}
