/**
 * The id the client gives an event that has none: a UUIDv7 (RFC 9562), the
 * time in milliseconds first, then 74 random bits. tmon keeps an index of ids
 * per service to store each once; ids that start with the time land next to
 * each other at the end of that index, where random ones (UUIDv4) land each
 * on a page of its own, which costs the store more CPU and more bytes
 * written per event (`npm run bench:event-ids`).
 *
 * The random bits come from randomUUID(), which draws from a cached pool,
 * where randomBytes(16) is a system call per id.
 */
import { randomUUID } from 'node:crypto';

export function timeOrderedId(now: number): string {
  const time = Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12);
  // a v4 UUID: 8-4-4-4-12 hex digits, its version digit at 14 and its variant bits (RFC 9562's) at 19
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}
