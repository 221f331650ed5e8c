/**
 * The one way the pages talk to the server: same-origin JSON, the session
 * cookie sent by the browser, the CSRF token on every state-changing call,
 * and the server's `message` surfaced as the error text.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** the token the server put in `<meta name="csrf-token">` when it rendered the page */
export function csrf(): string {
  if (csrfToken === null) {
    csrfToken = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
  }
  return csrfToken;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

async function call<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['x-csrf-token'] = csrf();
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The server cannot be reached. Retrying may help.');
  }
  if (response.status === 401) {
    // the session expired: the login page brings the user back here afterwards
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}`);
    throw new ApiError(401, 'unauthorized', 'Your session has expired. Please log in again.');
  }
  // 204 No Content (a removal): nothing to read
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => null)) as {
    results?: T;
    error?: string;
    message?: string;
  } | null;
  if (!response.ok || payload === null) {
    throw new ApiError(
      response.status,
      payload?.error ?? 'http',
      payload?.message ?? `The server answered ${response.status} ${response.statusText}`.trim(),
    );
  }
  // most answers come in the {status, results} envelope; the few that do not are their own result
  return ('results' in payload ? payload.results : payload) as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => call<T>('GET', path, undefined, signal),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body),
  put: <T>(path: string, body: unknown) => call<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  delete: <T>(path: string) => call<T>('DELETE', path),
};

/** a message fit for the page from whatever a call threw */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
