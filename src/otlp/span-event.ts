/**
 * One span of an OTLP export → an event, or why not. A span of kind SERVER
 * with an HTTP method is a request the service served: it becomes one
 * event. Any other span is ignored (counted, not an error). A server span
 * that cannot become a valid event (no client address, no path, a field
 * out of range) is rejected: OTLP's partial success counts it, the rest of
 * the export is stored.
 *
 * Both the stable semantic-convention names and the older ones that many
 * SDKs still send are read, the stable one first (docs/opentelemetry.md has
 * the table). The event's id is the span's identity (spanEventId), so an
 * exporter's retry of the same spans stores nothing twice.
 */
import { isIP } from 'node:net';
import { type TsWindow, validateEvent } from '../collect/event.js';
import type { CollectedEvent } from '../collect/event.types.js';
import { isRefusal } from '../errors/refusal.js';
import { extraCandidates, spanExtra } from './span-extra.js';
import { type Attributes, type AttributeValue, SPAN_KIND_SERVER, type TraceSpan } from './trace-export.js';

export type SpanOutcome =
  | { outcome: 'event'; event: CollectedEvent }
  | { outcome: 'ignored' }
  | { outcome: 'rejected'; reason: string };

const METHOD = ['http.request.method', 'http.method'];
const STATUS = ['http.response.status_code', 'http.status_code'];
/** the client's address: from X-Forwarded-For or Forwarded first, as instrumentations report it, then the peer's */
const CLIENT_ADDRESS = [
  'client.address',
  'http.client_ip',
  'network.peer.address',
  'net.sock.peer.addr',
  'net.peer.ip',
];
const USER_AGENT = ['user_agent.original', 'http.user_agent'];
const REFERRER = 'http.request.header.referer';

/** attributes whose value the event holds in its own fields: not repeated among its extra properties */
export const MAPPED_ATTRIBUTES: ReadonlySet<string> = new Set([
  ...METHOD,
  'http.request.method_original',
  'url.path',
  'url.query',
  'http.target',
  'url.full',
  'http.url',
  ...STATUS,
  ...CLIENT_ADDRESS,
  ...USER_AGENT,
  'enduser.id',
  REFERRER,
]);

/** The resource's attributes that may become extra properties: worked out once per resource, not per span. */
export function resourceExtra(resource: Attributes): Attributes {
  return extraCandidates(resource, MAPPED_ATTRIBUTES);
}

/** `resource`: resourceExtra() of the span's resource. */
export function spanToEvent(span: TraceSpan, resource: Attributes, now: number, window: TsWindow): SpanOutcome {
  const { attributes } = span;
  if (span.kind !== SPAN_KIND_SERVER) return { outcome: 'ignored' };
  const method = httpMethod(attributes);
  if (method === undefined) return { outcome: 'ignored' };

  if (span.traceId === '' || span.spanId === '') return rejected('it has no valid traceId and spanId');
  const url = requestTarget(attributes);
  if (url === undefined) return rejected('it has no url.path, http.target or url.full');
  const ip = clientAddress(attributes);
  if (ip === undefined)
    return rejected(`it has no client address that is an IP address (${CLIENT_ADDRESS.join(', ')})`);
  if (span.durationNs < 0) return rejected('it ends before it starts');

  const { startMs } = span;
  const raw: Record<string, unknown> = {
    url,
    ip,
    // a request without a User-Agent header is still a request
    useragent: text(first(attributes, USER_AGENT)) ?? '',
    username: text(attributes.get('enduser.id')) ?? null,
    ts: startMs,
    method,
    status: first(attributes, STATUS) ?? null,
    duration_ms: span.durationNs / 1e6,
    referrer: referrer(attributes) ?? null,
    id: spanEventId(startMs, span.traceId, span.spanId),
  };
  const event = validateEvent(raw, now, window);
  if (isRefusal(event)) return rejected(event.message);
  event.extra = spanExtra(attributes, MAPPED_ATTRIBUTES, resource);
  return { outcome: 'event', event };
}

/**
 * `otel-<start>-<traceId>-<spanId>` (63 characters), the start in ms in
 * base 36, 8 digits: the span's identity, so a resend of it is the same id.
 * The start comes first because ids are a unique index: trace ids are
 * random, and random keys scatter each commit's inserts over the whole
 * index, while keys that grow with time append to its end (on SQLite the
 * export cost about a third more CPU per span without it).
 */
export function spanEventId(startMs: number, traceId: string, spanId: string): string {
  return `otel-${startMs.toString(36).padStart(8, '0')}-${traceId}-${spanId}`;
}

function rejected(reason: string): SpanOutcome {
  return { outcome: 'rejected', reason };
}

/** The request's method; `_OTHER` (a method the instrumentation does not know) is told by its original name. */
function httpMethod(attributes: Attributes): string | undefined {
  const method = text(first(attributes, METHOD));
  if (method !== '_OTHER') return method;
  return text(attributes.get('http.request.method_original')) ?? method;
}

/** The path and query the client asked for. */
function requestTarget(attributes: Attributes): string | undefined {
  const path = text(attributes.get('url.path'));
  if (path !== undefined) {
    const query = text(attributes.get('url.query'));
    return query ? `${path}?${query}` : path;
  }
  const target = text(attributes.get('http.target'));
  if (target !== undefined) return target;
  for (const name of ['url.full', 'http.url']) {
    const full = text(attributes.get(name));
    if (full === undefined || !URL.canParse(full)) continue;
    const parsed = new URL(full);
    return parsed.pathname + parsed.search;
  }
  return undefined;
}

/** The first attribute of CLIENT_ADDRESS that holds an IP address (of a list, its first: the original client). */
function clientAddress(attributes: Attributes): string | undefined {
  for (const name of CLIENT_ADDRESS) {
    const value = text(attributes.get(name));
    if (value === undefined) continue;
    const address = (value.split(',')[0] ?? '').trim();
    if (isIP(address) !== 0) return address;
  }
  return undefined;
}

/** A captured Referer header: instrumentations record request headers as arrays of their values. */
function referrer(attributes: Attributes): string | undefined {
  const value = attributes.get(REFERRER);
  return Array.isArray(value) ? text(value[0]) : text(value);
}

function first(attributes: Attributes, names: readonly string[]): AttributeValue | undefined {
  for (const name of names) {
    const value = attributes.get(name);
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function text(value: AttributeValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
