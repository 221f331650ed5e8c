/**
 * Turns fastify's schema errors into one readable reason, e.g.
 * `resolution must be one of second, minute, hour, day` or `limit must be <= 3600`.
 */
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';

export function formatValidationErrors(errors: FastifySchemaValidationError[], context: string): Error {
  const reasons = errors.map((error) => {
    const field = error.instancePath.replace(/^\//, '').replaceAll('/', '.') || context;
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    if (allowed) return `${field} must be one of ${allowed.join(', ')}`;
    return `${field} ${error.message ?? 'is invalid'}`;
  });
  return new Error(`invalid ${context === 'querystring' ? 'query' : 'path'}: ${reasons.join('; ')}`);
}
