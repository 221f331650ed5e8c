/** Requests over https to a server with a self-signed certificate (a proxy in front of tmon, in tests). */
import https from 'node:https';

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request, the whole answer; no certificate check (the test made the certificate itself). */
export function httpsRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      rejectUnauthorized: false,
      agent: false,
      timeout: 10_000,
    });
    request.on('timeout', () => request.destroy(new Error(`${url}: no answer within 10 s`)));
    request.on('error', reject);
    request.on('response', (response) => {
      response.setEncoding('utf8');
      let body = '';
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.end(options.body);
  });
}

export interface HttpsStream {
  status: number;
  /** the text received so far */
  received(): string;
  /** resolves with the ms it took once the text contains `text`; rejects after `timeoutMs` */
  waitFor(text: string, timeoutMs: number): Promise<number>;
  close(): void;
}

/** A streamed GET (Server-Sent Events) whose text is read as it arrives. */
export function openHttpsStream(url: string, headers: Record<string, string>): Promise<HttpsStream> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { headers, rejectUnauthorized: false, agent: false });
    request.on('error', reject);
    request.on('response', (response) => {
      response.setEncoding('utf8');
      let text = '';
      const waiters = new Set<() => void>();
      response.on('data', (chunk: string) => {
        text += chunk;
        for (const check of waiters) check();
      });
      resolve({
        status: response.statusCode ?? 0,
        received: () => text,
        waitFor: (wanted, timeoutMs) =>
          new Promise((done, fail) => {
            const started = Date.now();
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`the stream did not show ${JSON.stringify(wanted)} within ${timeoutMs} ms`));
            }, timeoutMs);
            const check = () => {
              if (!text.includes(wanted)) return;
              clearTimeout(timer);
              waiters.delete(check);
              done(Date.now() - started);
            };
            waiters.add(check);
            check();
          }),
        close: () => request.destroy(),
      });
    });
  });
}
