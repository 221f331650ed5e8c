/**
 * The limits every connection to tmon is held to (docs/security.md, Limits), whichever
 * way it comes in: the collect socket front keeps its own connections'
 * deadlines (collect/socket-front.ts); node:http and http-deadlines.ts keep
 * those of the connections node:http reads (fastify's routes, the collect
 * fast path); the cap on open connections is the listening socket's, so it
 * holds before either sees a connection.
 *
 * Why: a sender that opens connections and then sends slowly, or nothing,
 * holds a file descriptor for each. With no deadline, 1,100 such connections
 * made /healthz and collect fail for everyone. The deadlines free
 * them; the cap, set below the process's descriptor limit, leaves
 * descriptors for the store and for the connections accepted once the slow
 * ones are cut.
 */
import http from 'node:http';
import type { Config } from '../config.js';
import { DeadlineSweep } from './deadline-sweep.js';
import { HttpDeadlines } from './http-deadlines.js';

export interface ConnectionLimits {
  /** a whole request head within this, from its first byte (a new connection: from its opening) */
  headTimeoutMs: number;
  /** the whole body within this, once the head is in */
  bodyTimeoutMs: number;
  /** an idle kept-alive connection is closed after this */
  keepAliveTimeoutMs: number;
  /** open connections at most: beyond it, a new one is closed as it is accepted */
  maxConnections: number;
}

export function connectionLimits(config: Config): ConnectionLimits {
  return {
    headTimeoutMs: config.headTimeoutSeconds * 1000,
    bodyTimeoutMs: config.bodyTimeoutSeconds * 1000,
    keepAliveTimeoutMs: config.keepAliveTimeoutSeconds * 1000,
    maxConnections: config.maxConnections,
  };
}

/**
 * How often deadlines are checked, by the sweep and by node:http alike: a
 * tenth of the shortest deadline, at most a second, so none passes more than
 * 10 % late. node:http's own default is every 30 s, which would let a 10 s
 * head deadline pass at 40 s.
 */
export function deadlineCheckIntervalMs(limits: ConnectionLimits): number {
  const shortest = Math.min(limits.headTimeoutMs, limits.bodyTimeoutMs, limits.keepAliveTimeoutMs);
  return Math.max(10, Math.min(1000, Math.floor(shortest / 10)));
}

export interface ConnectionLog {
  warn(message: string): void;
}

export interface LimitedServer {
  server: http.Server;
  /** checks the deadlines of the socket front's connections, and of node:http's bodies */
  sweep: DeadlineSweep;
  httpDeadlines: HttpDeadlines;
}

/** A node:http server held to `limits`, whose requests go to `handler`. */
export function createLimitedServer(
  limits: ConnectionLimits,
  log: ConnectionLog,
  handler: http.RequestListener,
): LimitedServer {
  const interval = deadlineCheckIntervalMs(limits);
  const sweep = new DeadlineSweep(interval);
  const httpDeadlines = new HttpDeadlines(sweep, limits);
  const server = http.createServer(
    {
      headersTimeout: limits.headTimeoutMs,
      // node:http counts this one from the head's first byte: the two deadlines together bound it, and
      // http-deadlines.ts holds the body to its own
      requestTimeout: limits.headTimeoutMs + limits.bodyTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: interval,
    },
    (request, response) => {
      httpDeadlines.onRequest(request, response);
      handler(request, response);
    },
  );
  // node:http's listening socket closes a connection over the cap as it accepts it, before any listener
  server.maxConnections = limits.maxConnections;
  warnOfDrops(server, limits.maxConnections, log);
  server.on('listening', () => sweep.start());
  server.on('close', () => sweep.stop());
  return { server, sweep, httpDeadlines };
}

/** The cap reached is logged at most once a minute: under a flood, a line per connection would be a flood too. */
function warnOfDrops(server: http.Server, maxConnections: number, log: ConnectionLog): void {
  let dropped = 0;
  let warnedAt = Number.NEGATIVE_INFINITY;
  server.on('drop', () => {
    dropped++;
    const now = performance.now();
    if (now - warnedAt < 60_000) return;
    log.warn(
      `${maxConnections} connections are open (TMON_MAX_CONNECTIONS): ${dropped} more closed as accepted since the last warning`,
    );
    dropped = 0;
    warnedAt = now;
  });
}
