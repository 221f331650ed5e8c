/**
 * Logging out is a POST that carries the session's CSRF token: as a GET, any
 * site could log a user out with a link or an <img>. These render the form
 * that posts it, for the page `GET /logout` shows and for other pages' nav.
 */
import { escapeHtml, htmlDocument } from '../page-shell/html.js';
import type { EntryTags } from '../page-shell/ui-assets.js';

/** A form with one "Log out" button; the dashboard's and admin page's nav post the same fields. */
export function logoutForm(csrfToken: string, className = 'logout-form'): string {
  return `<form method="post" action="/logout" class="${escapeHtml(className)}">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<button type="submit">Log out</button>
</form>`;
}

export function logoutPage(tags: EntryTags, userName: string, csrfToken: string): string {
  return htmlDocument({
    title: 'Log out · tmon',
    tags,
    bodyClass: 'page page-logout',
    body: `<main class="card">
<h1>Log out</h1>
<p>You are logged in as <strong>${escapeHtml(userName)}</strong>.</p>
${logoutForm(csrfToken)}
<p class="muted"><a href="/view/dashboard">Back to your services</a></p>
</main>`,
  });
}
