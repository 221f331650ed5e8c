/** One POST to /data/collect with fetch: tmon's answer, or a thrown network error or timeout. */
import type { EncodedRequest } from './protocols/encoded-request.js';
import type { CollectAnswer } from './types.js';

export interface HttpAnswer extends CollectAnswer {
  /** the Retry-After header in ms, when the server sent one */
  retryAfterMs: number | null;
}

/** `https://host` or `https://host/prefix/` → `…/data/collect`; a URL that already names it is kept. */
export function collectUrl(server: string): string {
  const url = new URL(server);
  if (!url.pathname.endsWith('/data/collect')) {
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/data/collect`;
  }
  return url.toString();
}

export async function postRequest(
  url: string,
  request: EncodedRequest,
  options: { timeoutMs: number; fetch?: typeof fetch },
): Promise<HttpAnswer> {
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(url, {
    method: 'POST',
    headers: { 'content-type': request.contentType, accept: 'application/json' },
    body: request.body,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: parseBody(text, response.status),
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
  };
}

/** Delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A proxy in front of tmon may answer HTML or nothing: keep the answer usable either way. */
function parseBody(text: string, status: number): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // not JSON: fall through
  }
  return { status, status_code: status, error: 'not_tmon', message: text.slice(0, 200) };
}
