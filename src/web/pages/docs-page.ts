/**
 * `/`: the repository's own docs/index.md rendered to HTML, so the page and
 * the docs never drift. Rendered once at start; the markdown is tmon's own
 * text, not user input.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { htmlDocument } from './html.js';
import type { EntryTags } from './ui-assets.js';

export function loadDocsHtml(root: string): string {
  const markdown = readFileSync(path.join(root, 'docs', 'index.md'), 'utf8');
  return marked.parse(markdown, { async: false, gfm: true });
}

export function renderDocsPage(docsHtml: string, tags: EntryTags): string {
  return htmlDocument({
    title: 'tmon — realtime traffic monitor',
    tags,
    bodyClass: 'page page-docs',
    body: `<nav class="top-nav"><a class="brand" href="/">tmon</a><a href="/login">Log in</a></nav>
<main class="docs">${docsHtml}</main>`,
  });
}
