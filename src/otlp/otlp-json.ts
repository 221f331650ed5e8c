/**
 * OTLP/HTTP's JSON encoding: an ExportTraceServiceRequest as JSON → a
 * TraceExport, or why the body is not one. The protobuf JSON mapping with
 * OTLP's changes: lowerCamelCase names, trace and span ids in hex (not
 * base64), enums as integers (their names are read too), int64 as decimal
 * strings or numbers. Unknown fields are ignored, as the specification asks.
 */
import { type Refusal, refuse } from '../errors/refusal.js';
import { anyValueToJson, MalformedValue } from './any-value.js';
import type { Attributes, ResourceSpans, TraceExport, TraceSpan } from './trace-export.js';

const HEX = /^[0-9a-fA-F]*$/;
const UNSIGNED_TEXT = /^[0-9]+$/;
const SPAN_KINDS: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

/** A part of the body without its shape; the message names it by its path from the root. */
class Malformed extends Error {}

export function decodeTraceJson(text: string): TraceExport | Refusal {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return refuse('bad_json', `the body is not valid JSON (${(error as Error).message})`);
  }
  try {
    const root = objectAt(body, 'the body');
    const resourceSpans = listAt(root.resourceSpans, 'resourceSpans').map((entry, i) =>
      resourceSpansOf(entry, `resourceSpans[${i}]`),
    );
    return { resourceSpans };
  } catch (error) {
    if (error instanceof Malformed)
      return refuse('bad_request', `the body is not an OTLP trace export: ${error.message}`);
    throw error;
  }
}

function resourceSpansOf(raw: unknown, where: string): ResourceSpans {
  const entry = objectAt(raw, where);
  const resource =
    entry.resource === undefined || entry.resource === null ? {} : objectAt(entry.resource, `${where}.resource`);
  const spans: TraceSpan[] = [];
  listAt(entry.scopeSpans, `${where}.scopeSpans`).forEach((scopeRaw, i) => {
    const scope = objectAt(scopeRaw, `${where}.scopeSpans[${i}]`);
    listAt(scope.spans, `${where}.scopeSpans[${i}].spans`).forEach((spanRaw, j) => {
      spans.push(spanOf(spanRaw, `${where}.scopeSpans[${i}].spans[${j}]`));
    });
  });
  return { resource: attributesAt(resource.attributes, `${where}.resource.attributes`), spans };
}

function spanOf(raw: unknown, where: string): TraceSpan {
  const span = objectAt(raw, where);
  return {
    traceId: idAt(span.traceId, 32, `${where}.traceId`),
    spanId: idAt(span.spanId, 16, `${where}.spanId`),
    kind: kindAt(span.kind, `${where}.kind`),
    ...times(
      nanosecondsAt(span.startTimeUnixNano, `${where}.startTimeUnixNano`),
      nanosecondsAt(span.endTimeUnixNano, `${where}.endTimeUnixNano`),
    ),
    attributes: attributesAt(span.attributes, `${where}.attributes`),
  };
}

function attributesAt(raw: unknown, where: string): Attributes {
  const attributes: Attributes = new Map();
  listAt(raw, where).forEach((entryRaw, i) => {
    const entry = objectAt(entryRaw, `${where}[${i}]`);
    if (typeof entry.key !== 'string') throw new Malformed(`${where}[${i}].key must be a string`);
    try {
      const value = anyValueToJson(entry.value);
      if (value !== undefined) attributes.set(entry.key, value);
    } catch (error) {
      if (error instanceof MalformedValue) throw new Malformed(`${where}[${i}].value: ${error.message}`);
      throw error;
    }
  });
  return attributes;
}

/** An id in hex of `digits` digits, lowercased; '' when absent or empty (the span is then rejected, not the body). */
function idAt(raw: unknown, digits: number, where: string): string {
  if (raw === undefined || raw === null || raw === '') return '';
  if (typeof raw !== 'string' || !HEX.test(raw)) throw new Malformed(`${where} must be hex text`);
  return raw.length === digits ? raw.toLowerCase() : '';
}

function kindAt(raw: unknown, where: string): number {
  if (raw === undefined || raw === null) return 0;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && Object.hasOwn(SPAN_KINDS, raw)) return SPAN_KINDS[raw] as number;
  throw new Malformed(`${where} must be a span kind (an integer)`);
}

function times(startNs: bigint, endNs: bigint): Pick<TraceSpan, 'startMs' | 'durationNs'> {
  return { startMs: Number(startNs / 1_000_000n), durationNs: Number(endNs - startNs) };
}

/** fixed64 nanoseconds: a decimal string (exact) or a number (as JSON.parse rounded it). */
function nanosecondsAt(raw: unknown, where: string): bigint {
  if (raw === undefined || raw === null) return 0n;
  if (typeof raw === 'string' && UNSIGNED_TEXT.test(raw)) return BigInt(raw);
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return BigInt(raw);
  throw new Malformed(`${where} must be a non-negative integer (nanoseconds, as a decimal string or a number)`);
}

function objectAt(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Malformed(`${where} must be an object`);
  return raw as Record<string, unknown>;
}

/** A repeated field: absent or null is empty, as protobuf's JSON mapping has it. */
function listAt(raw: unknown, where: string): unknown[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Malformed(`${where} must be an array`);
  return raw;
}
