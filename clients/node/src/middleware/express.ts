/**
 * Express (or Connect): `app.use(tmonExpress(client, options))`, before your
 * routes. Records `req.originalUrl` (routers rewrite `req.url`) and, unless
 * `trustProxy` is given, Express's `req.ip`, which follows the app's own
 * `trust proxy` setting. Express is not imported: any (req, res, next)
 * stack works.
 */
import { type ResponseLike, trackResponse } from './node-http.js';
import type { IncomingLike, Tracker, TrackRequestsOptions } from './request-event.js';

export interface ExpressRequestLike extends IncomingLike {
  originalUrl?: string;
  ip?: string;
}

export function tmonExpress<Req extends ExpressRequestLike = ExpressRequestLike>(
  client: Tracker,
  options: TrackRequestsOptions<Req> = {},
): (req: Req, res: ResponseLike, next: (error?: unknown) => void) => void {
  const track = trackResponse(client, options);
  return (req, res, next) => {
    track({ req, res, url: req.originalUrl ?? req.url ?? '/', frameworkIp: req.ip });
    next();
  };
}
