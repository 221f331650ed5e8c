/**
 * The pages: `/` (documentation), `/view/dashboard[/$wsid]` and `/admin`.
 * Pages for signed-in users send anyone else to /login; a dashboard of a
 * service the user may not see answers 404 like a missing one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { AccountStore } from '../../store/account-store.js';
import type { User } from '../../store/store.js';
import { csrfTokenOf } from '../auth/csrf.js';
import { SESSION_COOKIE } from '../auth/current-user.js';
import { logoutForm } from '../auth/logout-page.js';
import { installSecurityHeaders } from '../page-shell/content-security.js';
import { escapeHtml, htmlDocument } from '../page-shell/html.js';
import type { UiAssets } from '../page-shell/ui-assets.js';
import { type DocsViewer, renderDocsPage } from './docs-page.js';
import { reachedOrigin } from './reached-origin.js';

const LAST_SERVICE_COOKIE = 'tmon_last_wsid';
/** pages are HTML for browsers, no part of the JSON API: hidden from /api/openapi.json */
const HTML_PAGE = { schema: { hide: true } };

export interface PageRouteDeps {
  store: AccountStore;
  accounts: Accounts;
  assets: UiAssets;
  docsHtml: string;
  /** where the docs' examples send when the request's own Host cannot be used (reached-origin.ts) */
  configuredOrigin: string;
}

export async function pageRoutes(
  app: FastifyInstance,
  { store, accounts, assets, docsHtml, configuredOrigin }: PageRouteDeps,
) {
  installSecurityHeaders(app);
  const html = (reply: FastifyReply, status: number, page: string) =>
    reply.code(status).type('text/html; charset=utf-8').send(page);

  const notBuilt = (reply: FastifyReply) =>
    html(
      reply,
      503,
      `<!doctype html><title>tmon</title><p>The dashboard is not built: run <code>npm run build</code>.</p>`,
    );

  async function signedIn(request: FastifyRequest, reply: FastifyReply): Promise<User | null> {
    // pages are for browsers: their login session, never a token
    const cookie = request.cookies[SESSION_COOKIE];
    const user = cookie ? (await accounts.callerForSession(cookie))?.user : undefined;
    if (!user) {
      reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return null;
    }
    return user;
  }

  function appPage(request: FastifyRequest, user: User, page: 'dashboard' | 'admin', data: Record<string, string>) {
    const attributes = Object.entries({ page, user: user.name, admin: String(user.admin), ...data })
      .map(([key, value]) => `data-${key}="${escapeHtml(value)}"`)
      .join(' ');
    return htmlDocument({
      title: data['service-name'] ? `${data['service-name']} · tmon` : `${page} · tmon`,
      tags: assets.tags(page),
      csrfToken: csrfTokenOf(request),
      bodyClass: `app app-${page}`,
      body: `<div id="app" ${attributes}></div>`,
    });
  }

  /** The logged-in user, if any, without sending anyone away: `/` is for everyone. */
  async function viewerOf(request: FastifyRequest): Promise<DocsViewer | null> {
    const cookie = request.cookies[SESSION_COOKIE];
    const user = cookie ? (await accounts.callerForSession(cookie))?.user : undefined;
    const csrfToken = csrfTokenOf(request);
    return user && csrfToken ? { name: user.name, csrfToken } : null;
  }

  app.get('/', HTML_PAGE, async (request, reply) => {
    const tags = assets.built ? assets.tags('pages') : { scripts: [], styles: [] };
    const origin = reachedOrigin(request, configuredOrigin);
    // stored by no cache: the page shows the request's own Host (a cache keyed on the path would hand
    // one client's Host to the next) and, logged in, the session's CSRF token
    reply.header('cache-control', 'no-store');
    return html(reply, 200, renderDocsPage(docsHtml, tags, origin, await viewerOf(request)));
  });

  app.get<{ Params: { wsid?: string } }>('/view/dashboard/:wsid?', HTML_PAGE, async (request, reply) => {
    const user = await signedIn(request, reply);
    if (!user) return reply;
    if (!assets.built) return notBuilt(reply);
    let wsid = request.params.wsid;
    if (wsid === undefined || wsid === '') {
      // as the original: without a wsid, the user's last viewed service, or a chooser
      const last = Number(request.cookies[LAST_SERVICE_COOKIE]);
      if (Number.isSafeInteger(last) && last > 0 && (await accounts.visibleService(user, last))) {
        return reply.redirect(`/view/dashboard/${last}`, 303);
      }
      return html(reply, 200, await chooserPage(user, csrfTokenOf(request)));
    }
    if (!/^[1-9]\d{0,15}$/.test(wsid))
      return html(reply, 400, messagePage('Bad service id', 'The service id must be a number.'));
    const service = await accounts.visibleService(user, Number(wsid));
    if (!service) return html(reply, 404, messagePage('No such service', `There is no service ${wsid} you can see.`));
    wsid = String(service.id);
    reply.setCookie(LAST_SERVICE_COOKIE, wsid, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 365 * 86_400 });
    return html(reply, 200, appPage(request, user, 'dashboard', { wsid, 'service-name': service.name }));
  });

  app.get('/admin', HTML_PAGE, async (request, reply) => {
    const user = await signedIn(request, reply);
    if (!user) return reply;
    if (!assets.built) return notBuilt(reply);
    return html(reply, 200, appPage(request, user, 'admin', {}));
  });

  async function chooserPage(user: User, csrfToken: string | null): Promise<string> {
    const services = user.admin ? await store.listServices() : await store.listServicesForUser(user.id);
    const items = services
      .map(
        (s) =>
          `<li><a href="/view/dashboard/${s.id}">${escapeHtml(s.name)}</a> <span class="muted">#${s.id}</span></li>`,
      )
      .join('\n');
    const list = services.length
      ? `<ul class="service-list">${items}</ul>`
      : '<p>You have no services yet. <a href="/admin">Create one</a> to get an id and a secret.</p>';
    return htmlDocument({
      title: 'Choose a service · tmon',
      tags: assets.tags('pages'),
      bodyClass: 'page page-chooser',
      // logging out posts its CSRF token (logout-page.ts); signed in by a bearer token there is no session to end
      body: `<main class="card"><h1>Choose a service</h1>${list}<p><a href="/admin">Admin</a></p>${csrfToken ? logoutForm(csrfToken) : ''}</main>`,
    });
  }

  function messagePage(title: string, text: string): string {
    return htmlDocument({
      title: `${title} · tmon`,
      tags: assets.tags('pages'),
      bodyClass: 'page page-message',
      body: `<main class="card"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p><p><a href="/view/dashboard">Your services</a></p></main>`,
    });
  }
}
