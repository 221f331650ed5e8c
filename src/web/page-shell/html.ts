/** HTML building for the server-rendered pages: escaping, and the document frame every page shares. */
import { FAVICON_PATH } from './favicon.js';
import type { EntryTags } from './ui-assets.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

export interface DocumentOptions {
  title: string;
  tags: EntryTags;
  body: string;
  csrfToken?: string | null;
  bodyClass?: string;
}

const ATTRIBUTION =
  '<footer class="site-footer"><a href="https://db-ip.com">IP Geolocation by DB-IP</a> (CC BY 4.0) · tmon</footer>';

/** A whole page: no inline script or style, so the strict CSP holds. */
export function htmlDocument({ title, tags, body, csrfToken, bodyClass }: DocumentOptions): string {
  const styles = tags.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('\n');
  const scripts = tags.scripts.map((src) => `<script type="module" src="${escapeHtml(src)}"></script>`).join('\n');
  const csrf = csrfToken ? `<meta name="csrf-token" content="${escapeHtml(csrfToken)}">` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
${csrf}
<title>${escapeHtml(title)}</title>
${styles}
${scripts}
</head>
<body${bodyClass ? ` class="${escapeHtml(bodyClass)}"` : ''}>
${body}
${ATTRIBUTION}
</body>
</html>`;
}
