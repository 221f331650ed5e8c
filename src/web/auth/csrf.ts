/**
 * CSRF protection for cookie-authenticated changes. The token is derived from
 * the session cookie (SHA-256 with a purpose prefix): a forged cross-site
 * request carries the cookie but cannot read it, so it cannot know the token,
 * and any tmon process can check it without shared state. Requests with a
 * bearer token are not exposed to CSRF and need none.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import { SESSION_COOKIE } from './current-user.js';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfTokenFor(sessionCookie: string): string {
  return createHash('sha256').update(`tmon-csrf\0${sessionCookie}`).digest('base64url');
}

/** The token for the request's session, for the page to embed; null without a session. */
export function csrfTokenOf(request: FastifyRequest): string | null {
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? csrfTokenFor(cookie) : null;
}

/** A preHandler: state-changing requests that rely on the session cookie must carry its token. */
export async function requireCsrfToken(request: FastifyRequest): Promise<void> {
  if (SAFE_METHODS.has(request.method) || request.headers.authorization !== undefined) return;
  const expected = csrfTokenOf(request);
  if (expected === null) return; // no session: the route itself answers 401
  const sent = request.headers[CSRF_HEADER] ?? (request.body as Record<string, unknown> | undefined)?._csrf;
  if (typeof sent !== 'string' || !sameText(sent, expected)) {
    throw new HttpError('forbidden', 'missing or wrong CSRF token: reload the page and try again');
  }
}

/**
 * Login has no session yet: a cross-site login form post is refused by its
 * Origin (or Referer), which browsers always send on cross-site POSTs.
 */
export function requireSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin ?? request.headers.referer;
  if (origin === undefined) return; // not a browser: nothing to forge
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new HttpError('forbidden', 'unreadable Origin header');
  }
  if (host !== request.host) throw new HttpError('forbidden', 'cross-site login refused');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
