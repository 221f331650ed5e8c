/** The login form: server-rendered HTML, no script needed. */
import { escapeHtml, htmlDocument } from '../page-shell/html.js';
import type { EntryTags } from '../page-shell/ui-assets.js';

export function loginPage(tags: EntryTags, error: string | null, next: string | null): string {
  const notice = error ? `<p role="alert" class="form-error">${escapeHtml(error)}</p>` : '';
  const nextField = next ? `<input type="hidden" name="next" value="${escapeHtml(next)}">` : '';
  return htmlDocument({
    title: 'Log in · tmon',
    tags,
    bodyClass: 'page page-login',
    body: `<main class="login-card">
<h1 class="brand">tmon</h1>
<p class="tagline">Realtime traffic monitor</p>
${notice}
<form method="post" action="/login" class="login-form">
${nextField}
<label>User name <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button>
</form>
<p class="muted"><a href="/">How to send data to tmon</a></p>
</main>`,
  });
}
