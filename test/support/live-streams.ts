/** Live streams (GET /$wsid/live) held open over real sockets, for tests that count them. */
import http from 'node:http';

export interface OpenedStream {
  status: number;
  retryAfter: string | undefined;
  /** the whole body of a refusal; '' for an open stream */
  body: string;
  /** the SSE text received so far (an open stream) */
  received(): string;
  /** resolves once the stream's text contains `text` */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** the client leaves: destroys the socket; resolves once it is closed */
  close(): Promise<void>;
  /** resolves when the server has ended the stream (an open stream) */
  ended: Promise<void>;
}

/** a token, or a login's cookie header */
export type StreamCredential = string | { cookie: string };

/**
 * GET `/${wsid}/live` on its own connection (no agent: closing it closes its socket). Resolves with the
 * answer's status once its head arrived, and for a refusal once its body did.
 */
export function openLiveStream(baseUrl: string, wsid: number, credential: StreamCredential): Promise<OpenedStream> {
  return new Promise((resolve, reject) => {
    const auth = typeof credential === 'string' ? { authorization: `Bearer ${credential}` } : credential;
    const request = http.get(`${baseUrl}/${wsid}/live`, {
      agent: false,
      headers: { ...auth, accept: 'text/event-stream' },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      response.setEncoding('utf8');
      let text = '';
      const waiters = new Set<() => void>();
      response.on('data', (chunk: string) => {
        text += chunk;
        for (const check of waiters) check();
      });
      const closed = new Promise<void>((done) => request.socket?.once('close', () => done()));
      const ended = new Promise<void>((done) => response.once('end', () => done()));
      const stream: OpenedStream = {
        status: response.statusCode ?? 0,
        retryAfter: response.headers['retry-after'] as string | undefined,
        body: '',
        received: () => text,
        waitFor: (wanted, timeoutMs = 2_000) =>
          new Promise((done, fail) => {
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`the stream did not show ${JSON.stringify(wanted)} within ${timeoutMs} ms`));
            }, timeoutMs);
            const check = () => {
              if (!text.includes(wanted)) return;
              clearTimeout(timer);
              waiters.delete(check);
              done();
            };
            waiters.add(check);
            check();
          }),
        close: () => {
          request.destroy();
          return closed;
        },
        ended,
      };
      if (stream.status === 200) resolve(stream);
      else response.on('end', () => resolve({ ...stream, body: text }));
    });
  });
}

/** Opens `count` streams one after the other; every one must be accepted. */
export async function openLiveStreams(
  baseUrl: string,
  wsid: number,
  token: string,
  count: number,
): Promise<OpenedStream[]> {
  const streams: OpenedStream[] = [];
  for (let i = 0; i < count; i++) {
    const stream = await openLiveStream(baseUrl, wsid, token);
    if (stream.status !== 200) throw new Error(`stream ${i + 1} of ${count} answered ${stream.status}: ${stream.body}`);
    streams.push(stream);
  }
  return streams;
}
