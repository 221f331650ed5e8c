/**
 * `X-Content-Type-Options: nosniff` on every answer of the web routes, JSON
 * included: a browser then never reads an API answer as HTML or script, even
 * if one echoes text a client sent (a service name, a user agent). The pages
 * get it with the rest of their security headers (page-shell/content-security.ts);
 * error bodies get it in errors.ts, whichever context they come from.
 */
import type { FastifyInstance } from 'fastify';

export const NO_SNIFF = { 'x-content-type-options': 'nosniff' } as const;

/** set when the request arrives, so answers made by a hook or the error handler carry it too */
export function installNoSniff(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(NO_SNIFF);
  });
}
