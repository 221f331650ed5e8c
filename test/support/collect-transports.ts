/**
 * The ways a collect request reaches tmon, for the suites that must hold for
 * all: injected into fastify (its collect route); over a socket, a new
 * connection each, where the socket front (src/web/collect/socket-front.ts)
 * answers plain requests itself and hands the rest to node:http and the same
 * route; and over a socket with node:http reading every connection, where
 * the fast path (src/web/collect/fast-path.ts) answers the plain ones.
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
  /** text, or bytes (a compressed body) */
  payload: string | Buffer;
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
  {
    name: 'over a socket, node:http reading',
    async start(options) {
      const tmon = await startListeningTmon({ ...options, socketFront: false });
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
      // a connection of its own: where the socket front hands one to node:http, it stays node:http's
      { method, headers: { ...headers, 'content-length': String(body.length) }, agent: false },
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
