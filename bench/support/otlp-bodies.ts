/**
 * Request bodies of the same traffic (src/loadgen/traffic.ts's events) in
 * two forms: an OTLP/HTTP protobuf trace export of N HTTP server spans, as
 * the OpenTelemetry Node SDK's HTTP instrumentation describes each request
 * (its attributes, its resource), and a v2 batch of the same N events.
 * Every body is unique: spans have random ids, as SDKs give them, events
 * ids that carry the body's number, and a v2 body has a fresh iv and sent_at.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import protobuf from 'protobufjs';
import { sealV2 } from '../../src/collect/v2-gcm.js';
import { senderEvent } from '../../src/loadgen/traffic.js';
import { REPO_ROOT } from './processes.js';
import type { BenchService } from './tmon.js';

/** the official definitions as shipped in proto/, whole (tmon's decoder reads only part of a span) */
function exportRequestType(): protobuf.Type {
  const root = new protobuf.Root();
  const dir = path.join(REPO_ROOT, 'proto');
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(dir, target));
  root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
  return root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
}

const ExportRequest = exportRequestType();
const SPAN_KIND_SERVER = 2;

const RESOURCE = [
  ['service.name', 'shop'],
  ['service.version', '1.4.2'],
  ['deployment.environment', 'production'],
  ['host.name', 'web-3'],
  ['telemetry.sdk.language', 'nodejs'],
  ['telemetry.sdk.name', 'opentelemetry'],
  ['telemetry.sdk.version', '2.12.1'],
].map(([key, value]) => ({ key, value: { stringValue: value } }));

type Value = { stringValue: string } | { intValue: number };
const str = (value: string): Value => ({ stringValue: value });
const int = (value: number): Value => ({ intValue: value });

/** The protobuf export of body `n`: `size` server spans that started just now. */
export function otlpBody(n: number, size: number, nowMs = Date.now()): Buffer {
  const spans = new Array(size);
  // random ids, as SDKs make them: 16 bytes of trace id and 8 of span id per span
  const ids = randomBytes(size * 24);
  for (let k = 0; k < size; k++) {
    const event = senderEvent(n * size + k, '') as Record<string, string | number>;
    const [path, query] = String(event.url).split('?');
    const startNs = BigInt(nowMs - 50) * 1_000_000n;
    const endNs = startNs + BigInt(Math.round(Number(event.duration_ms) * 1_000_000));
    const attributes: { key: string; value: Value }[] = [
      { key: 'http.request.method', value: str(String(event.method)) },
      { key: 'url.scheme', value: str('https') },
      { key: 'server.address', value: str('shop.example') },
      { key: 'server.port', value: int(443) },
      { key: 'network.peer.address', value: str('10.0.0.2') },
      { key: 'network.peer.port', value: int(40_000 + (k % 20_000)) },
      { key: 'network.protocol.version', value: str('1.1') },
      { key: 'user_agent.original', value: str(String(event.useragent)) },
      { key: 'url.path', value: str(path ?? '/') },
      { key: 'client.address', value: str(String(event.ip)) },
      { key: 'http.response.status_code', value: int(Number(event.status)) },
      { key: 'http.route', value: str(path ?? '/') },
    ];
    if (query !== undefined) attributes.push({ key: 'url.query', value: str(query) });
    spans[k] = {
      traceId: ids.subarray(k * 24, k * 24 + 16),
      spanId: ids.subarray(k * 24 + 16, k * 24 + 24),
      name: `${event.method} ${path}`,
      kind: SPAN_KIND_SERVER,
      startTimeUnixNano: startNs.toString(),
      endTimeUnixNano: endNs.toString(),
      attributes,
    };
  }
  const request = {
    resourceSpans: [
      {
        resource: { attributes: RESOURCE },
        scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0' }, spans }],
      },
    ],
  };
  return Buffer.from(ExportRequest.encode(ExportRequest.fromObject(request)).finish());
}

/** The v2 batch of body `n`: the same `size` events, ids `otlp-bench-<n>-<k>`. */
export function v2Body(n: number, size: number, service: BenchService): string {
  const events = new Array(size);
  for (let k = 0; k < size; k++) events[k] = JSON.stringify(senderEvent(n * size + k, `otlp-bench-${n}-${k}`));
  return JSON.stringify(
    sealV2(`{"sent_at":${Date.now()},"events":[${events.join(',')}]}`, { wsid: service.id, secret: service.secret }),
  );
}
