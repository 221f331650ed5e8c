/**
 * How fastify logs requests. Two choices, both for the collect path:
 *
 * - Collect requests get no access log ("incoming request", "request
 *   completed"): they are the traffic tmon monitors, thousands a second, and
 *   /metrics counts them, accepted and refused by reason. Their failures are
 *   still logged. Every other request is logged in one line at info, when
 *   it is answered, with its method, URL, status and time: fastify's two
 *   lines per request ("incoming request" and "request completed", and a
 *   third for a 404) doubled the log for nothing the second did not say.
 *   The first is kept at debug: it shows a request that never completes.
 * - A request's logger (the process logger with the request id bound) is
 *   made only when something logs through it. fastify makes one per request
 *   up front; at the levels that log nothing on the collect path, that cost a
 *   few percent of the CPU each collect request takes.
 */
import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { COLLECT_PATH } from '../collect/endpoint.js';

/** fastify's `logController`: one line per request at info, none for collect requests. */
export function requestLogController(): LogController {
  return new OneLinePerRequest({ disableRequestLogging: skipsAccessLog });
}

class OneLinePerRequest extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    // the completed line says 404 at info already
    request.log.debug(`Route ${request.raw.method}:${request.raw.url} not found`);
  }
}

function skipsAccessLog(request: { url?: string }): boolean {
  const url = request.url ?? '';
  return url === COLLECT_PATH || url.startsWith(`${COLLECT_PATH}?`);
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type ParentLogger = FastifyBaseLogger & { isLevelEnabled?(level: string): boolean };
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];

/** fastify's `childLoggerFactory`: the request's logger, made on first use. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Record<string, unknown>,
  options: ChildOptions,
): FastifyBaseLogger {
  const parent = logger as ParentLogger;
  // a route's own level or serializers change what the child logs: made at once, as fastify would
  const ownSettings = options !== undefined && Object.keys(options).length > 0;
  if (ownSettings || typeof parent.isLevelEnabled !== 'function') return parent.child(bindings, options);
  return new LazyChildLogger(parent, bindings) as unknown as FastifyBaseLogger;
}

class LazyChildLogger {
  #child: FastifyBaseLogger | null = null;

  constructor(
    private readonly parent: ParentLogger,
    private readonly bindings: Record<string, unknown>,
  ) {}

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.#made().level = level;
  }

  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#log('error', args);
  }
  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }
  info(...args: unknown[]): void {
    this.#log('info', args);
  }
  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }
  silent(): void {}

  child(bindings: Record<string, unknown>, options?: ChildOptions): FastifyBaseLogger {
    return this.#made().child(bindings, options);
  }

  #log(level: Level, args: unknown[]): void {
    // a level that logs nothing needs no child: the common case, and the reason this class exists
    if (this.#child === null && !this.parent.isLevelEnabled?.(level)) return;
    (this.#made()[level] as (...a: unknown[]) => void)(...args);
  }

  #made(): FastifyBaseLogger {
    this.#child ??= this.parent.child(this.bindings);
    return this.#child;
  }
}
