/**
 * Fastify: `await app.register(tmonFastify(client, options))`. The plugin
 * hooks `onResponse` for the whole application (it skips Fastify's plugin
 * encapsulation, as fastify-plugin would), and takes the duration from
 * Fastify's own timer. Unless `trustProxy` is given, the address is
 * `request.ip`, which follows the instance's `trustProxy` setting. Fastify
 * is not imported.
 */
import {
  clientIp,
  type IncomingLike,
  requestEvent,
  safely,
  type Tracker,
  type TrackRequestsOptions,
} from './request-event.js';

export interface FastifyRequestLike {
  url: string;
  method: string;
  ip: string;
  headers: IncomingLike['headers'];
  raw: IncomingLike;
}

export interface FastifyReplyLike {
  statusCode: number;
  /** ms since the request arrived (Fastify ≥ 4.8) */
  elapsedTime?: number;
}

export interface FastifyInstanceLike {
  addHook(name: 'onResponse', hook: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<void>): unknown;
}

export type TmonFastifyPlugin = (instance: FastifyInstanceLike, options: unknown) => Promise<void>;

export function tmonFastify<Req extends FastifyRequestLike = FastifyRequestLike>(
  client: Tracker,
  options: TrackRequestsOptions<Req> = {},
): TmonFastifyPlugin {
  const plugin: TmonFastifyPlugin = async (instance) => {
    instance.addHook('onResponse', async (request, reply) => {
      try {
        const req = request as Req;
        if (safely(() => options.skip?.(req)) === true) return;
        const ip = options.trustProxy === undefined ? request.ip : clientIp(request.raw, options.trustProxy);
        client.track(
          requestEvent({
            url: request.url,
            ip,
            method: request.method,
            headers: request.headers,
            status: reply.statusCode,
            durationMs: reply.elapsedTime ?? 0,
            username: safely(() => options.username?.(req)),
            fields: safely(() => options.fields?.(req)),
          }),
        );
      } catch {
        // tracking must never break serving
      }
    });
  };
  // what fastify-plugin sets: the hook then applies to every route, not only to this plugin's children
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'tmon' });
  return plugin;
}
