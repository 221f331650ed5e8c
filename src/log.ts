import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import type { Config } from './config.js';

export type AppLogger = FastifyBaseLogger;

/** One pino logger for the whole process: fastify's request logs and tmon's own. */
export function createLogger(level: Config['logLevel']): AppLogger {
  return pino({ level });
}
