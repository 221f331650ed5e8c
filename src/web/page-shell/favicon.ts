/**
 * The site icon: a small SVG (a pulse line on the accent blue), at
 * `/favicon.svg`, which every page links, and at `/favicon.ico`, which
 * browsers and feed readers ask for by themselves when a page names none.
 * The same SVG answers both: every browser tmon supports renders an SVG icon
 * by its content type, whatever the name, and one file is one thing to keep
 * (a real .ico would be a binary copy of the same picture). Before, the
 * 404 for /favicon.ico was an error line in every browser's console.
 */
import type { FastifyInstance } from 'fastify';

export const FAVICON_PATH = '/favicon.svg';

const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2563eb"/><path d="M4 17h6l3-8 5 15 3-7h7" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** a week: the icon changes with a release at most, and browsers ask for it on every page otherwise */
const CACHE_CONTROL = 'public, max-age=604800';

export async function faviconRoutes(app: FastifyInstance): Promise<void> {
  for (const url of [FAVICON_PATH, '/favicon.ico']) {
    // an image, no part of the JSON API: hidden from /api/openapi.json
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', CACHE_CONTROL).send(FAVICON_SVG),
    );
  }
}
