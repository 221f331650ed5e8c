/**
 * POSTs for the load generator over node:http with a keep-alive pool of
 * exactly `concurrency` sockets. Not fetch: on Node 20, undici's fetch costs
 * ~3× the CPU per request, and a load generator that
 * saturates its own core measures itself, not tmon. The bodies are the
 * client library's.
 */
import http from 'node:http';
import https from 'node:https';
import type { EncodedRequest } from '@tmon/client';

export interface PostAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface Poster {
  post(request: EncodedRequest): Promise<PostAnswer>;
  close(): void;
}

export class RequestTimeout extends Error {
  constructor() {
    super('no answer in time');
    this.name = 'TimeoutError';
  }
}

export function createPoster(collectUrl: string, options: { concurrency: number; timeoutMs: number }): Poster {
  const url = new URL(collectUrl);
  const secure = url.protocol === 'https:';
  const agent = new (secure ? https : http).Agent({ keepAlive: true, maxSockets: options.concurrency });
  const request = secure ? https.request : http.request;
  return {
    post({ contentType, body }) {
      return new Promise((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parseBody(text) }));
            res.on('error', reject);
          },
        );
        req.setTimeout(options.timeoutMs, () => req.destroy(new RequestTimeout()));
        req.on('error', reject);
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // a proxy's HTML error page: the status says enough
  }
  return {};
}
