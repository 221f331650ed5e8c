/**
 * The collect endpoint as HTTP sees it, defined once for every way in (the
 * socket front, the fast path, the fastify route) and for request logging:
 * its path, the content types it reads, and how large a body of each kind
 * may be.
 */
import type { BodyKind } from './identify.js';

export const COLLECT_PATH = '/data/collect';

/** The media type of each body kind: the fastify route reads these, whatever their parameters. */
export const COLLECT_MEDIA_TYPES: Readonly<Record<BodyKind, string>> = {
  form: 'application/x-www-form-urlencoded',
  json: 'application/json',
};

/**
 * The Content-Type values the fast ways read, as senders write them; any
 * other spelling (another charset, other case or spacing) goes to the
 * fastify route, whose parsers read or refuse it.
 */
const PLAIN_CONTENT_TYPES: ReadonlyMap<string, BodyKind> = new Map(
  (Object.entries(COLLECT_MEDIA_TYPES) as [BodyKind, string][]).flatMap(([kind, type]) => [
    [type, kind],
    [`${type}; charset=utf-8`, kind],
  ]),
);

/** The body kind of a plain collect request with this Content-Type, else undefined. */
export function plainBodyKind(contentType: string | undefined): BodyKind | undefined {
  return contentType === undefined ? undefined : PLAIN_CONTENT_TYPES.get(contentType);
}

/** The largest body each kind may have (docs/security.md): a legacy form, a v2 JSON batch of up to 1,000 events. */
export const BODY_LIMITS: Readonly<Record<BodyKind, number>> = {
  form: 64 * 1024,
  json: 1024 * 1024,
};

/**
 * The largest bearer batch (up to 10,000 events of logs), as sent and once
 * inflated. Only the fastify route reads one larger than BODY_LIMITS.json,
 * and only after its token has passed (body-limit.ts): a sender without a
 * valid token never makes tmon hold more than a v2 batch.
 */
export const BEARER_BODY_LIMIT = 8 * 1024 * 1024;
