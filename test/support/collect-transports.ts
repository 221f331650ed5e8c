/**
 * The two ways a collect request reaches tmon, for the suites that must hold
 * for both: injected into fastify (its collect route), and over a socket,
 * where the fast path (src/web/collect/fast-path.ts) answers plain requests
 * itself and hands the rest to the same route.
 */
import http from 'node:http';
import { startListeningTmon } from './client-helpers.js';
import type { TestTmon, TestTmonOptions } from './test-tmon.js';
import { startTestTmon } from './test-tmon.js';

export interface CollectResponse {
  statusCode: number;
  headers: http.OutgoingHttpHeaders;
  rawPayload: Buffer;
  /** the payload as text */
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: as light-my-request's json(): the suites read answers of several shapes
  json(): any;
}

export interface CollectRequest {
  method?: string;
  headers: Record<string, string>;
  payload: string;
}

export interface CollectTmon extends TestTmon {
  send(request: CollectRequest): Promise<CollectResponse>;
}

export interface CollectTransport {
  name: string;
  start(options?: TestTmonOptions): Promise<CollectTmon>;
}

export const COLLECT_TRANSPORTS: readonly CollectTransport[] = [
  {
    name: 'injected into fastify',
    async start(options) {
      const tmon = await startTestTmon(options);
      return Object.assign(tmon, {
        async send({ method = 'POST', headers, payload }: CollectRequest): Promise<CollectResponse> {
          const res = await tmon.app.inject({ method: method as 'POST', url: '/data/collect', headers, payload });
          return {
            statusCode: res.statusCode,
            headers: res.headers,
            rawPayload: res.rawPayload,
            body: res.body,
            json: () => res.json(),
          };
        },
      });
    },
  },
  {
    name: 'over a socket',
    async start(options) {
      const tmon = await startListeningTmon(options);
      return Object.assign(tmon, {
        send: (request: CollectRequest) => sendOverSocket(`${tmon.url}/data/collect`, request),
      });
    },
  },
];

function sendOverSocket(url: string, { method = 'POST', headers, payload }: CollectRequest): Promise<CollectResponse> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(payload);
    const request = http.request(
      url,
      { method, headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          const rawPayload = Buffer.concat(chunks);
          const text = rawPayload.toString('utf8');
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: res.headers,
            rawPayload,
            body: text,
            json: () => JSON.parse(text),
          });
        });
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}
