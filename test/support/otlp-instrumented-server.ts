/**
 * A node:http service instrumented with the OpenTelemetry Node SDK and its
 * HTTP instrumentation, exporting its spans to tmon with the exporter named
 * by its argument (`proto`: OTLP/HTTP protobuf, `json`: OTLP/HTTP JSON),
 * configured only by the standard environment variables
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS), as
 * docs/opentelemetry.md tells users to. Run as a child process
 * (test/api/otlp-sdk.test.ts), so the instrumentation patches node:http in
 * a process of its own.
 *
 * Routes: `/products/:id` (sets http.route, as a framework would), `/slow`
 * (answers after 300 ms), `/account` (sets enduser.id), `/missing` (404),
 * `/fail` (500). It prints its port; the message `flush` makes it export
 * what it holds and answer `flushed`.
 */
import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_HTTP_ROUTE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

const kind = process.argv[2];
if (kind !== 'proto' && kind !== 'json') throw new Error('usage: otlp-instrumented-server.ts proto|json');

// enabled as it is made: it hooks require, so node:http must be required after this line
const instrumentation = new HttpInstrumentation();
const exporter = kind === 'proto' ? new ProtobufExporter() : new HttpJsonExporter();
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: `shop-${kind}`, 'deployment.environment': 'test' }),
  spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 })],
});
provider.register();
instrumentation.setTracerProvider(provider);

const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');

const server = http.createServer((request, response) => {
  const span = trace.getActiveSpan();
  const path = new URL(request.url ?? '/', 'http://service').pathname;
  const answer = (status: number) => {
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(String(status));
  };
  if (path.startsWith('/products/')) {
    span?.setAttribute(ATTR_HTTP_ROUTE, '/products/:id');
    answer(200);
  } else if (path === '/slow') setTimeout(() => answer(200), 300);
  else if (path === '/account') {
    span?.setAttribute('enduser.id', 'ann');
    answer(200);
  } else if (path === '/fail') answer(500);
  else answer(404);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});

process.on('message', (message) => {
  if (message !== 'flush') return;
  provider.forceFlush().then(
    () => process.send?.('flushed'),
    (error: Error) => process.send?.({ error: error.message }),
  );
});
process.on('disconnect', () => {
  server.close();
  void provider.shutdown();
});
