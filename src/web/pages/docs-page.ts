/**
 * `/`: the repository's own docs/index.md rendered to HTML, so the page and
 * the docs never drift. Rendered once at start (the markdown is tmon's own
 * text, not user input); per request, the examples' server address becomes
 * the one the page was reached at, and the header knows who is logged in.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { logoutForm } from '../auth/logout-page.js';
import { escapeHtml, htmlDocument } from '../page-shell/html.js';
import type { EntryTags } from '../page-shell/ui-assets.js';

/** the server address docs/index.md's examples are written with */
export const DOCS_EXAMPLE_SERVER = 'http://localhost:8000';

export interface DocsViewer {
  name: string;
  /** the session's CSRF token, which the logout form posts */
  csrfToken: string;
}

export function loadDocsHtml(root: string): string {
  const markdown = readFileSync(path.join(root, 'docs', 'index.md'), 'utf8');
  return marked.parse(markdown, { async: false, gfm: true });
}

/** `origin` is the validated address the page was reached at (reached-origin.ts); it is escaped here. */
export function renderDocsPage(docsHtml: string, tags: EntryTags, origin: string, viewer: DocsViewer | null): string {
  const safeOrigin = escapeHtml(origin);
  // a function, not a string: a replacement string would give `$&` and the like a meaning
  const docs = docsHtml.replaceAll(DOCS_EXAMPLE_SERVER, () => safeOrigin);
  return htmlDocument({
    title: 'tmon — realtime traffic monitor',
    tags,
    bodyClass: 'page page-docs',
    body: `${navigation(viewer)}
<main class="docs">${docs}</main>`,
  });
}

function navigation(viewer: DocsViewer | null): string {
  if (viewer === null)
    return '<nav class="top-nav"><a class="brand" href="/">tmon</a><a href="/login">Log in</a></nav>';
  return `<nav class="top-nav"><a class="brand" href="/">tmon</a>
<span class="nav-user">${escapeHtml(viewer.name)}</span>
<a href="/view/dashboard">Dashboard</a>
<a href="/admin">Admin</a>
${logoutForm(viewer.csrfToken, 'logout-form nav-logout')}</nav>`;
}
