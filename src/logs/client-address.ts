/**
 * Client addresses as logs write them: bare (`192.0.2.1`, `2001:db8::1`),
 * with a port (`192.0.2.1:51234`, `[2001:db8::1]:443`) or in brackets, and
 * the X-Forwarded-For list a proxy in front of the server adds.
 */
import { isIP } from 'node:net';

/** The address without brackets or port, or null when it is not an IPv4/IPv6 address (a host name, `-`). */
export function bareAddress(text: string): string | null {
  if (isIP(text) !== 0) return text;
  let address = text;
  if (text.charCodeAt(0) === 0x5b) {
    const close = text.indexOf(']');
    if (close === -1) return null;
    address = text.slice(1, close);
  } else {
    const colon = text.indexOf(':');
    // One colon: IPv4 with a port. More than one is IPv6, which isIP already judged above.
    if (colon === -1 || text.indexOf(':', colon + 1) !== -1) return null;
    address = text.slice(0, colon);
  }
  return isIP(address) !== 0 ? address : null;
}

/**
 * The client's address from an X-Forwarded-For value (`client, proxy1, proxy2`): its first hop,
 * or null when the value is missing or its first hop is not an address (`unknown`, a forged name).
 */
export function firstForwardedHop(value: string | null): string | null {
  if (value === null || value === '' || value === '-') return null;
  const comma = value.indexOf(',');
  const first = (comma === -1 ? value : value.slice(0, comma)).trim();
  return bareAddress(first);
}
