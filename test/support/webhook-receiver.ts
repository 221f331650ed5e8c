/**
 * An HTTP receiver on 127.0.0.1 for alert delivery tests: it records every
 * request (method, path, headers, raw body) and answers each with the next
 * scripted answer (then with the last one again), or never, for timeouts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** hold the request open and never answer */
  hang?: boolean;
}

export interface WebhookReceiver {
  url(path?: string): string;
  port: number;
  received: ReceivedRequest[];
  /** answers for the next requests, in order; the last one repeats */
  answer(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(onRequest?: (request: ReceivedRequest) => void): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  let script: ScriptedAnswer[] = [{ status: 200, body: 'ok' }];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      onRequest?.(request);
      const next = (script.length > 1 ? script.shift() : script[0]) as ScriptedAnswer;
      if (next.hang) return;
      res.writeHead(next.status, next.headers ?? {});
      res.end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    answer(...answers) {
      script = answers;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** a port nothing listens on (taken, then released): connecting to it is refused */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
