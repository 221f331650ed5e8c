/**
 * OTLP/HTTP's binary encoding: an ExportTraceServiceRequest's bytes → a
 * TraceExport (or why they are not one), and the answers' messages
 * (ExportTraceServiceResponse, google.rpc.Status) → bytes. protobufjs reads
 * the official definitions shipped in proto/ (their README says which
 * release), so the wire format is the library's business, not tmon's.
 */
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import protobuf from 'protobufjs';
import { type Refusal, refuse } from '../errors/refusal.js';
import { packageRoot } from '../package-root.js';
import { anyValueToJson } from './any-value.js';
import type { Attributes, ResourceSpans, TraceExport, TraceSpan } from './trace-export.js';

const PROTO_DIR = path.join(packageRoot(), 'proto');
const SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

function loadDefinitions(): protobuf.Root {
  const root = new protobuf.Root();
  // imports are written from the definitions' root ("opentelemetry/proto/…"): resolve them there
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_DIR, target));
  root.loadSync(SERVICE_PROTO);
  // google.rpc.Status, the body of OTLP's refusals: its code and message (tmon sends no details, field 3)
  root
    .define('google.rpc')
    .add(
      new protobuf.Type('Status')
        .add(new protobuf.Field('code', 1, 'int32'))
        .add(new protobuf.Field('message', 2, 'string')),
    );
  flattenAnyValue(root.lookupType('opentelemetry.proto.common.v1.AnyValue'));
  keepOnly(root.lookupType('opentelemetry.proto.trace.v1.Span'), SPAN_FIELDS_READ);
  keepOnly(root.lookupType('opentelemetry.proto.trace.v1.ScopeSpans'), ['spans']);
  keepOnly(root.lookupType('opentelemetry.proto.trace.v1.ResourceSpans'), ['resource', 'scopeSpans']);
  root.resolveAll();
  return root;
}

/** the span's fields an event is made of */
const SPAN_FIELDS_READ = ['traceId', 'spanId', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes'];

/**
 * Only `names` of the type's fields are decoded: protobufjs skips the others
 * as it skips unknown fields, without building them (a span's events, links,
 * status and name, a scope's description), the same wire format read for
 * less.
 */
function keepOnly(type: protobuf.Type, names: readonly string[]): void {
  for (const field of [...type.fieldsArray]) if (!names.includes(field.name)) type.remove(field);
}

/**
 * AnyValue's fields, read as plain optional fields rather than members of a
 * oneof: the bytes on the wire are the same, but protobufjs marks a oneof's
 * member by deleting the others from each decoded value, which made that
 * step most of the decoding of a typical export (an attribute is an
 * AnyValue). any-value.ts reads the fields in a fixed order instead.
 */
function flattenAnyValue(anyValue: protobuf.Type): void {
  for (const oneof of anyValue.oneofsArray) {
    for (const field of [...oneof.fieldsArray]) oneof.remove(field);
    anyValue.remove(oneof);
  }
}

const definitions = loadDefinitions();
const ExportRequest = definitions.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const ExportResponse = definitions.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
const RpcStatus = definitions.lookupType('google.rpc.Status');

/**
 * protobufjs's reader over a Buffer, with proto3's strings checked and read
 * by Node's own UTF-8 code: the library checks them in JavaScript, a
 * character at a time, which made the strings of a typical export (two
 * dozen per span) the costliest part of decoding it and of the garbage it
 * left. Same answers: a string that is not UTF-8 is an error.
 */
class NativeUtf8Reader extends protobuf.BufferReader {
  declare buf: Buffer;

  override stringVerify(): string {
    const length = this.uint32();
    const start = this.pos;
    const end = start + length;
    if (end > this.len) throw new RangeError(`index out of range: ${start} + ${length} > ${this.len}`);
    this.pos = end;
    const text = this.buf.toString('utf8', start, end);
    // Node decodes bytes that are not UTF-8 as U+FFFD: only a text holding one needs its bytes checked
    if (text.includes('\uFFFD') && !isUtf8(this.buf.subarray(start, end))) {
      throw new Error(`invalid UTF-8 in a string at offset ${start}`);
    }
    return text;
  }
}

/** The decoded messages' shapes, as far as tmon reads them (protobufjs sets only the fields on the wire). */
interface KeyValueMessage {
  key: string;
  value?: object | null;
}
interface SpanMessage {
  traceId: Uint8Array;
  spanId: Uint8Array;
  kind: number;
  startTimeUnixNano: protobuf.Long | number;
  endTimeUnixNano: protobuf.Long | number;
  attributes: KeyValueMessage[];
}
interface RequestMessage {
  resourceSpans: {
    resource?: { attributes: KeyValueMessage[] } | null;
    scopeSpans: { spans: SpanMessage[] }[];
  }[];
}

/** The export in `bytes`, or a refusal naming what the decoder found wrong. */
export function decodeTraceRequest(bytes: Uint8Array): TraceExport | Refusal {
  let message: RequestMessage;
  try {
    message = ExportRequest.decode(
      new NativeUtf8Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)),
    ) as unknown as RequestMessage;
  } catch (error) {
    return refuse('bad_request', `the body is not a protobuf ExportTraceServiceRequest (${(error as Error).message})`);
  }
  const resourceSpans: ResourceSpans[] = message.resourceSpans.map((entry) => ({
    resource: attributesOf(entry.resource?.attributes ?? []),
    spans: entry.scopeSpans.flatMap((scope) => scope.spans.map(spanOf)),
  }));
  return { resourceSpans };
}

function spanOf(span: SpanMessage): TraceSpan {
  return {
    traceId: hexOf(span.traceId, 16),
    spanId: hexOf(span.spanId, 8),
    kind: span.kind,
    startMs: Math.floor(nanosecondsApprox(span.startTimeUnixNano) / 1e6),
    durationNs: nanosecondsBetween(span.startTimeUnixNano, span.endTimeUnixNano),
    attributes: attributesOf(span.attributes),
  };
}

function attributesOf(list: KeyValueMessage[]): Attributes {
  const attributes: Attributes = new Map();
  for (const { key, value } of list) {
    const json = anyValueToJson(value ?? null);
    if (json !== undefined) attributes.set(key, json);
  }
  return attributes;
}

/** An id's bytes as lowercase hex; '' unless it has exactly `size` of them. */
function hexOf(bytes: Uint8Array, size: number): string {
  if (bytes.length !== size) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

const TWO_TO_32 = 2 ** 32;

/**
 * A fixed64 as protobufjs hands it (a Long, or a number for small values) as
 * a double: within 256 ns of the truth for today's times (2⁶⁰ ns), which
 * the ms of an event's `ts` can bear; it is the same for the same span, so
 * its id is too. Doubles rather than bigints: a bigint is an allocation per
 * step, and an export has thousands of times.
 */
function nanosecondsApprox(value: protobuf.Long | number): number {
  if (typeof value === 'number') return value;
  return (value.high >>> 0) * TWO_TO_32 + (value.low >>> 0);
}

/** end − start in ns, exact while the span lasts under 104 days (2⁵³ ns). */
function nanosecondsBetween(start: protobuf.Long | number, end: protobuf.Long | number): number {
  if (typeof start === 'number' || typeof end === 'number') return nanosecondsApprox(end) - nanosecondsApprox(start);
  return ((end.high >>> 0) - (start.high >>> 0)) * TWO_TO_32 + ((end.low >>> 0) - (start.low >>> 0));
}

/** ExportTraceServiceResponse: empty when every span was taken, else with its partial success. */
export function encodeTraceResponse(rejectedSpans: number, errorMessage: string): Uint8Array {
  const body = rejectedSpans === 0 ? {} : { partialSuccess: { rejectedSpans, errorMessage } };
  return ExportResponse.encode(ExportResponse.fromObject(body)).finish();
}

/** google.rpc.Status, OTLP's body for a 4xx or 5xx answer. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  return RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
}
