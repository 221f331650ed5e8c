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
 * name. A few attributes are never kept (LEFT_OUT). A value holding a lone UTF-16 surrogate is left out too: no store
 * keeps one.
 */
import { EVENT_LIMITS } from '../collect/event.js';
import type { Attributes, AttributeValue } from './trace-export.js';

/**
 * Attributes that say nothing about the visit and would be stored on every
 * event: which SDK made the span, the process and machine it ran in (an
 * SDK's resource detectors add a dozen of them, command line included), and
 * the client's ephemeral port. host.name is kept: it names the instance.
 */
const LEFT_OUT_PREFIXES = ['telemetry.', 'process.', 'os.'];
const LEFT_OUT = new Set(['host.arch', 'host.id', 'network.peer.port', 'client.port']);

function leftOut(name: string): boolean {
  return LEFT_OUT.has(name) || LEFT_OUT_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** kept first, whatever else does not fit: the URL template (dashboards group by it) and the service */
const FIRST = ['http.route', 'service.name'];

/** The attributes that may become extra properties: neither mapped to the event's own fields nor LEFT_OUT. */
export function extraCandidates(attributes: Attributes, mapped: ReadonlySet<string>): Attributes {
  const kept: Attributes = new Map();
  for (const [name, value] of attributes) if (!mapped.has(name) && !leftOut(name)) kept.set(name, value);
  return kept;
}

/**
 * The extra properties of a span's event, from its attributes (those not
 * `mapped` nor left out) and its resource's candidates (extraCandidates).
 */
export function spanExtra(
  span: Attributes,
  mapped: ReadonlySet<string>,
  resource: Attributes,
): Record<string, AttributeValue> | null {
  const extra: Record<string, AttributeValue> = {};
  let kept = 0;
  // an upper bound of the JSON's UTF-8 bytes, and whether every text is well-formed, as the values go in
  let bound = 2;
  let plain = true;
  const keep = (name: string, value: AttributeValue) => {
    setOwn(extra, name, value);
    kept++;
    bound +=
      jsonBytesAtMost(name) + 1 + (typeof value === 'object' && value !== null ? Infinity : jsonBytesAtMost(value));
    plain &&= name.isWellFormed() && (typeof value !== 'string' || value.isWellFormed());
  };
  for (const name of FIRST) {
    const value = span.get(name) ?? resource.get(name);
    if (value !== undefined && !mapped.has(name)) keep(name, value);
  }
  for (const [name, value] of span) {
    if (!mapped.has(name) && !Object.hasOwn(extra, name) && !leftOut(name)) keep(name, value);
  }
  for (const [name, value] of resource) if (!Object.hasOwn(extra, name)) keep(name, value);
  if (kept === 0) return null;
  // nearly always: flat values, well within the limit, so the store's own JSON.stringify is the only one
  if (plain && bound + kept <= EVENT_LIMITS.extraBytes) return extra;

  // else one JSON.stringify tells, and only an export that does not fit pays for the rest
  const json = JSON.stringify(extra);
  if (json.length * 3 <= EVENT_LIMITS.extraBytes || Buffer.byteLength(json, 'utf8') <= EVENT_LIMITS.extraBytes) {
    if (!json.includes('\\ud')) return extra;
  }
  return fitted(Object.entries(extra));
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
  if (kept.length === 0) return null;
  const object: Record<string, AttributeValue> = {};
  for (const [name, value] of kept) setOwn(object, name, value);
  return object;
}

/**
 * At most how many UTF-8 bytes JSON.stringify makes of a flat value: a
 * UTF-16 unit takes at most 6 (an escape such as \u001f), quotes 2.
 */
function jsonBytesAtMost(value: string | number | boolean | null): number {
  if (typeof value === 'string') return value.length * 6 + 2;
  return 24; // a double's longest form, -1.2345678901234567e+308, is 24 characters
}

/** Whether every text in the value is well-formed UTF-16 (no lone surrogate). */
function wellFormed(value: AttributeValue): boolean {
  if (typeof value === 'string') return value.isWellFormed();
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(wellFormed);
  return Object.entries(value).every(([key, inner]) => key.isWellFormed() && wellFormed(inner));
}

/** Plain assignment of "__proto__" would set the prototype instead of keeping the attribute. */
function setOwn(object: Record<string, AttributeValue>, name: string, value: AttributeValue): void {
  if (name === '__proto__') {
    Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
  } else object[name] = value;
}
