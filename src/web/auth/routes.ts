/**
 * GET/POST /login and GET/POST /logout. A failed login says so without telling
 * whether the user exists (same answer, same time). Login is rate limited per
 * IP and per user name.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { CookieSecurity } from '../../config.js';
import { HttpError } from '../errors.js';
import { installSecurityHeaders } from '../page-shell/content-security.js';
import type { UiAssets } from '../page-shell/ui-assets.js';
import { csrfTokenFor, requireCsrfToken, requireSameOrigin } from './csrf.js';
import { SESSION_COOKIE } from './current-user.js';
import { loginPage } from './login-page.js';
import { LOGIN_SCHEMA } from './login-schemas.js';
import { logoutPage } from './logout-page.js';
import { safeNext } from './safe-next.js';

export interface AuthRouteDeps {
  accounts: Accounts;
  cookieSecurity: CookieSecurity;
  assets: UiAssets;
}

const LOGIN_ATTEMPTS_PER_IP = 20;
const LOGIN_ATTEMPTS_PER_USER = 10;
const LOGIN_WINDOW = '15 minutes';
const LOGIN_WINDOW_SECONDS = 15 * 60;

export async function authRoutes(
  app: FastifyInstance,
  { accounts, cookieSecurity, assets }: AuthRouteDeps,
): Promise<void> {
  installSecurityHeaders(app);
  const limitByIp = app.createRateLimit({ max: LOGIN_ATTEMPTS_PER_IP, timeWindow: LOGIN_WINDOW });
  const limitByUser = app.createRateLimit({
    max: LOGIN_ATTEMPTS_PER_USER,
    timeWindow: LOGIN_WINDOW,
    keyGenerator: (request) => `login-user:${loginFields(request).username.toLowerCase()}`,
  });

  // the HTML pages (login and logout forms) are no part of the JSON API: hidden from /api/openapi.json
  app.get<{ Querystring: { next?: string } }>('/login', { schema: { hide: true } }, async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(loginPage(assets.tags('pages'), null, safeNext(request.query.next))),
  );

  app.post('/login', { schema: LOGIN_SCHEMA }, async (request, reply) => {
    requireSameOrigin(request);
    const { username, password, next } = loginFields(request);
    for (const limit of [await limitByIp(request), await limitByUser(request)]) {
      if (!limit.isAllowed && limit.isExceeded) {
        throw new HttpError('rate_limited', 'too many login attempts: wait 15 minutes', LOGIN_WINDOW_SECONDS);
      }
    }
    const user = username && password ? await accounts.authenticate(username, password) : null;
    if (!user) return refuseLogin(request, reply, assets, next);

    const session = await accounts.startSession(user.id);
    reply.setCookie(SESSION_COOKIE, session.cookie, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: cookieSecurity === 'always' || (cookieSecurity === 'auto' && request.protocol === 'https'),
      expires: new Date(session.expiresAt),
    });
    if (wantsJson(request)) return reply.send({ status: 200, results: { user: user.name, admin: user.admin } });
    return reply.redirect(next ?? '/view/dashboard', 303);
  });

  // a GET only asks: a link or an <img> on any site could otherwise log a user out
  app.get('/logout', { schema: { hide: true } }, async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    const caller = cookie ? await accounts.callerForSession(cookie) : null;
    if (!cookie || !caller) {
      if (cookie) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/login', 303);
    }
    return reply
      .header('cache-control', 'no-store') // it holds the CSRF token
      .type('text/html; charset=utf-8')
      .send(logoutPage(assets.tags('pages'), caller.user.name, csrfTokenFor(cookie)));
  });

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) {
      // without the session's token this is another site's form: 403, and the session goes on
      await requireCsrfToken(request);
      await accounts.endSession(cookie);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
}

function refuseLogin(request: FastifyRequest, reply: FastifyReply, assets: UiAssets, next: string | null) {
  const message = 'wrong user name or password';
  if (wantsJson(request)) throw new HttpError('unauthorized', message);
  return reply
    .code(401)
    .type('text/html; charset=utf-8')
    .send(loginPage(assets.tags('pages'), message, next));
}

function loginFields(request: FastifyRequest): { username: string; password: string; next: string | null } {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return { username: text(body.username), password: text(body.password), next: safeNext(body.next) };
}

function wantsJson(request: FastifyRequest): boolean {
  return request.headers['content-type']?.startsWith('application/json') === true;
}
