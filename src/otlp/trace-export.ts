/**
 * An OTLP trace export (ExportTraceServiceRequest) as tmon reads it,
 * whichever encoding it came in (otlp-protobuf.ts, otlp-json.ts): only what
 * becoming events needs, with ids in lowercase hex.
 */

/** An attribute's value: OTLP's AnyValue as plain JSON (int64 as a number, bytes as base64). */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Map<string, AttributeValue>;

/** OTLP's Span.SpanKind: 2 is a span for a request a server received. */
export const SPAN_KIND_SERVER = 2;

export interface TraceSpan {
  /** 32 lowercase hex digits, or '' when the span carries none of 16 bytes */
  traceId: string;
  /** 16 lowercase hex digits, or '' */
  spanId: string;
  kind: number;
  /** the span's start, in whole ms since the epoch */
  startMs: number;
  /** its end minus its start, in ns (negative for a span that ends before it starts) */
  durationNs: number;
  attributes: Attributes;
}

export interface ResourceSpans {
  resource: Attributes;
  spans: TraceSpan[];
}

export interface TraceExport {
  resourceSpans: ResourceSpans[];
}

/** The two encodings of OTLP/HTTP, told apart by Content-Type. */
export type OtlpEncoding = 'protobuf' | 'json';
