/**
 * How fastify logs requests. Two choices, both for the collect path:
 *
 * - Collect requests get no access log ("incoming request", "request
 *   completed"): they are the traffic tmon monitors, thousands a second, and
 *   /metrics counts them, accepted and refused by reason. Their failures are
 *   still logged. Every other request is logged at info as fastify does.
 * - A request's logger (the process logger with the request id bound) is
 *   made only when something logs through it. fastify makes one per request
 *   up front; at the levels that log nothing on the collect path, that cost a
 *   few percent of the CPU each collect request takes.
 */
import { type FastifyBaseLogger, LogController } from 'fastify';

/** fastify's `logController`: request logs at info, except for collect requests. */
export function requestLogController(): LogController {
  return new LogController({ disableRequestLogging: skipsAccessLog });
}

const COLLECT_PATH = '/data/collect';

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
