/**
 * Hand-built OTLP trace exports for tests: spans in OTLP JSON's shape, the
 * export as JSON text or as protobuf (encoded by protobufjs from the
 * official definitions in proto/, as an SDK's exporter would send it), and
 * the protobuf answers decoded back.
 */
import path from 'node:path';
import protobuf from 'protobufjs';
import { REPO } from './tmon-process.js';

export type JsonAnyValue =
  | { stringValue: string }
  | { intValue: string | number }
  | { boolValue: boolean }
  | { doubleValue: number }
  | { arrayValue: { values: JsonAnyValue[] } }
  | { kvlistValue: { values: { key: string; value: JsonAnyValue }[] } };

export interface JsonSpan {
  traceId?: string;
  spanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: { key: string; value: JsonAnyValue }[];
}

export const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;

/** Attributes as OTLP lists them, from a plain object: strings, integers, booleans and arrays of strings. */
export function attributes(values: Record<string, string | number | boolean | string[]>): JsonSpan['attributes'] {
  return Object.entries(values).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: string | number | boolean | string[]): JsonAnyValue {
  if (Array.isArray(value)) return { arrayValue: { values: value.map((item) => ({ stringValue: item })) } };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** A span's ids: trace and span ids in hex, made from a number so that each test's spans differ. */
export function spanIds(n: number): { traceId: string; spanId: string } {
  return { traceId: n.toString(16).padStart(32, 'a'), spanId: n.toString(16).padStart(16, 'b') };
}

/** An HTTP server span with the stable semantic-convention names, `startMs` its start and lasting `durationMs`. */
export function serverSpan(
  n: number,
  startMs: number,
  durationMs: number,
  values: Record<string, string | number | boolean | string[]> = {},
): JsonSpan {
  const start = BigInt(startMs) * 1_000_000n;
  return {
    ...spanIds(n),
    name: 'GET',
    kind: SPAN_KIND.server,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + BigInt(Math.round(durationMs * 1_000_000))),
    attributes: attributes({
      'http.request.method': 'GET',
      'url.path': `/page/${n}`,
      'client.address': '8.8.8.8',
      'user_agent.original': 'curl/8.5.0',
      'http.response.status_code': 200,
      ...values,
    }),
  };
}

/** An ExportTraceServiceRequest in OTLP JSON's shape: one resource with these attributes, one scope. */
export function traceExport(spans: JsonSpan[], resource: Record<string, string> = { 'service.name': 'shop' }) {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes(resource) },
        scopeSpans: [{ scope: { name: 'test' }, spans }],
      },
    ],
  };
}

let loaded: protobuf.Root | undefined;
function definitions(): protobuf.Root {
  if (loaded) return loaded;
  const root = new protobuf.Root();
  const dir = path.join(REPO, 'proto');
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(dir, target));
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  root
    .define('google.rpc')
    .add(
      new protobuf.Type('Status')
        .add(new protobuf.Field('code', 1, 'int32'))
        .add(new protobuf.Field('message', 2, 'string')),
    );
  loaded = root;
  return root;
}

/** The export as protobuf bytes: ids from hex to bytes, the rest as protobufjs reads the JSON shape. */
export function protobufExport(exported: ReturnType<typeof traceExport>): Buffer {
  const type = definitions().lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  const withBytes = structuredClone(exported) as unknown as {
    resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
  };
  for (const resource of withBytes.resourceSpans) {
    for (const scope of resource.scopeSpans) {
      for (const span of scope.spans) {
        for (const id of ['traceId', 'spanId']) {
          if (typeof span[id] === 'string') span[id] = Buffer.from(span[id] as string, 'hex');
        }
      }
    }
  }
  return Buffer.from(type.encode(type.fromObject(withBytes)).finish());
}

/** A protobuf ExportTraceServiceResponse as JSON-like values: `{}`, or its partialSuccess. */
export function decodeProtobufResponse(bytes: Buffer): {
  partialSuccess?: { rejectedSpans: string; errorMessage: string };
} {
  const type = definitions().lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
  return type.toObject(type.decode(bytes), { longs: String }) as never;
}

/** A protobuf google.rpc.Status. */
export function decodeProtobufStatus(bytes: Buffer): { code: number; message: string } {
  const type = definitions().lookupType('google.rpc.Status');
  return type.toObject(type.decode(bytes)) as never;
}
