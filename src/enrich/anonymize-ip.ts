import { formatIp, parseIp } from './ip-address.js';

/**
 * Truncates an address to its network: IPv4 to /24 (`81.2.69.142` → `81.2.69.0`), IPv6 to /48
 * (`2001:db8:1:2::1` → `2001:db8:1::`), in canonical text. An IPv4-mapped IPv6 address
 * (`::ffff:81.2.69.142`, what a dual-stack socket reports for an IPv4 client) is an IPv4 client:
 * it becomes `81.2.69.0`, since truncating it to /48 would leave `::` and group it with nothing.
 * Throws on text that is not an address: collection refuses those before enrichment.
 */
export function anonymizeIp(ip: string): string {
  const parsed = parseIp(ip);
  if (parsed === null) throw new Error(`not an IP address: ${JSON.stringify(ip)}`);
  const keep = parsed.family === 4 ? 3 : 6;
  const bytes = new Uint8Array(parsed.bytes.length);
  bytes.set(parsed.bytes.subarray(0, keep));
  return formatIp({ family: parsed.family, bytes });
}
