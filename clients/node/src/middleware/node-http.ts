/**
 * node:http: call the tracker first thing in your request handler.
 *
 *     const trackRequest = createRequestTracker(client, { trustProxy: 1 });
 *     http.createServer((req, res) => { trackRequest(req, res); … });
 *
 * The event is sent when the response is finished (status and duration are
 * known then); a client that hangs up first is recorded with status 499, as
 * nginx does.
 */
import {
  clientIp,
  type IncomingLike,
  requestEvent,
  safely,
  type Tracker,
  type TrackRequestsOptions,
} from './request-event.js';

export interface ResponseLike {
  statusCode: number;
  writableFinished?: boolean;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/** nginx's "client closed request" */
const CLIENT_CLOSED = 499;

export interface TrackedRequest<Req> {
  req: Req;
  res: ResponseLike;
  /** the URL to record: Express rewrites req.url inside routers, so it passes originalUrl */
  url: string;
  /** the framework's idea of the client address, used when trustProxy is not set */
  frameworkIp?: string;
}

export function createRequestTracker<Req extends IncomingLike = IncomingLike>(
  client: Tracker,
  options: TrackRequestsOptions<Req> = {},
): (req: Req, res: ResponseLike) => void {
  const track = trackResponse(client, options);
  return (req, res) => track({ req, res, url: req.url ?? '/' });
}

/** @internal shared by the node:http and Express adapters */
export function trackResponse<Req extends IncomingLike>(
  client: Tracker,
  options: TrackRequestsOptions<Req>,
): (request: TrackedRequest<Req>) => void {
  return ({ req, res, url, frameworkIp }) => {
    try {
      if (safely(() => options.skip?.(req)) === true) return;
      const started = process.hrtime.bigint();
      // now: once a client hangs up, its socket no longer knows the peer's address
      const ip =
        options.trustProxy === undefined && frameworkIp ? frameworkIp : clientIp(req, options.trustProxy ?? false);
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        const finished = res.writableFinished !== false;
        client.track(
          requestEvent({
            url,
            ip,
            method: req.method,
            headers: req.headers,
            status: finished ? res.statusCode : CLIENT_CLOSED,
            durationMs: Number(process.hrtime.bigint() - started) / 1e6,
            username: safely(() => options.username?.(req)),
            fields: safely(() => options.fields?.(req)),
          }),
        );
      };
      res.once('finish', finish);
      res.once('close', finish);
    } catch {
      // tracking must never break serving
    }
  };
}
