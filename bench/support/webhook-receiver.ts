/**
 * A webhook receiver for the alert benchmark: an HTTP server on 127.0.0.1
 * that checks every request with the standardwebhooks verifier, as a real
 * receiver would, and notes when each notification arrived (Date.now(), the
 * clock the benchmark's condition instants are read from). A request that
 * fails the check is answered 401 and counted, not noted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedNotification {
  type: string;
  ruleId: number | null;
  messageId: string;
  /** Date.now() when its body had arrived */
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedNotification[];
  /** requests refused for a bad signature or body */
  refused: number;
  /** resolves once `match` is among the notices (or null after `timeoutMs`) */
  waitFor(match: (n: ReceivedNotification) => boolean, timeoutMs: number): Promise<ReceivedNotification | null>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const verifier = new Webhook(secret);
  const received: ReceivedNotification[] = [];
  const waiters = new Set<() => void>();
  const state = { refused: 0 };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: { type: string; rule: { id: number } | null };
      try {
        payload = verifier.verify(body, request.headers as Record<string, string>) as typeof payload;
      } catch (error) {
        state.refused++;
        response.writeHead(401).end((error as Error).message);
        return;
      }
      received.push({
        type: payload.type,
        ruleId: payload.rule?.id ?? null,
        messageId: String(request.headers['webhook-id']),
        at,
      });
      response.writeHead(204).end();
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    get refused() {
      return state.refused;
    },
    waitFor(match, timeoutMs) {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const wake = () => {
          const hit = received.find(match);
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(null);
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
