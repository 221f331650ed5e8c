/** One autocannon run: keep-alive connections posting bodies from a BodySource to /data/collect. */
import autocannon, { type Result } from 'autocannon';
import type { BodySource } from './bodies.js';

export interface LoadOptions {
  port: number;
  /** more servers: the connections are spread over `port` and these, round-robin */
  morePorts?: readonly number[];
  connections: number;
  /** requests per second, all connections together; as many as the server answers when left out */
  rate?: number;
  /** seconds */
  duration: number;
  source: BodySource;
}

export interface LoadResult {
  seconds: number;
  /** answers with status 200 */
  ok: number;
  okPerSecond: number;
  /** connection errors + timeouts */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  p50: number;
  p99: number;
  /** request numbers answered 200, in order of the answers */
  acked: number[];
  /** the body of the first answer that was not a 200 */
  firstRefusal: string | null;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { source } = options;
  const acked: number[] = [];
  let firstRefusal: string | null = null;
  const result = await autocannon({
    url:
      options.morePorts && options.morePorts.length > 0
        ? [options.port, ...options.morePorts].map((port) => `http://127.0.0.1:${port}`)
        : `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
    pipelining: 1,
    duration: options.duration,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/data/collect',
        headers: { 'content-type': source.scenario.contentType },
        setupRequest(request, context) {
          const { n, body } = source.take();
          // one request in flight per connection: its answer is the next onResponse of this context
          context.n = n;
          return { ...request, body };
        },
        onResponse(status, body, context) {
          if (status === 200) acked.push(context.n as number);
          else firstRefusal ??= `${status} ${body.slice(0, 300)}`;
        },
      },
    ],
  });
  return loadResultOf(result, acked, firstRefusal);
}

/** An autocannon run's figures as a LoadResult, with the request numbers answered 200 and the first refusal. */
export function loadResultOf(result: Result, acked: number[], firstRefusal: string | null): LoadResult {
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const ok = statusCodes['200'] ?? 0;
  return {
    seconds: result.duration,
    ok,
    okPerSecond: ok / result.duration,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    p50: result.latency.p50,
    p99: result.latency.p99,
    acked,
    firstRefusal,
  };
}
