/**
 * Where a webhook may be sent. The URL is resolved at delivery time, not
 * only when the channel is saved, because DNS can change in between; every
 * address the name resolves to is checked (one private address among public
 * ones is enough for a rebinding attack), and the request then connects to
 * the address that was checked (pinnedLookup), so the name cannot be
 * resolved again to something else between the check and the connection.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { formatIp, type IpBytes, matchesPrefix, parseIp } from '../../enrich/ip-address.js';

/** resolves every address of a host name, as dns.lookup with `all: true` does (tests may inject a resolver) */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolveAll: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(addresses);
    });
  });

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

export interface SafeTarget {
  url: URL;
  /** every address the name resolved to, each checked: the request connects to one of these only */
  addresses: CheckedAddress[];
}

/** `permanent`: the same check will fail again (a refused address, a URL that is not http); else it may pass later (DNS) */
export type TargetCheck = { ok: true; target: SafeTarget } | { ok: false; error: string; permanent: boolean };

type Range = readonly [label: string, prefix: readonly number[], bits: number];

// cloud metadata first: it is also link-local or unique-local, but its own name says more in the log
const BLOCKED_IPV4: readonly Range[] = [
  ['a cloud metadata address', [169, 254, 169, 254], 32],
  ['an unspecified address', [0], 8],
  ['a private address', [10], 8],
  ['a carrier-grade NAT address', [100, 64], 10],
  ['a loopback address', [127], 8],
  ['a link-local address', [169, 254], 16],
  ['a private address', [172, 16], 12],
  ['a private address', [192, 168], 16],
  ['a multicast address', [224], 4],
  ['a reserved address', [240], 4],
];

const BLOCKED_IPV6: readonly Range[] = [
  ['a cloud metadata address', [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54], 128],
  ['a loopback address', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128],
  // :: itself and the deprecated IPv4-compatible ::a.b.c.d
  ['an unspecified address', [], 96],
  ['a unique-local address', [0xfc], 7],
  ['a link-local address', [0xfe, 0x80], 10],
  ['a site-local address', [0xfe, 0xc0], 10],
  ['a multicast address', [0xff], 8],
];

/** NAT64's well-known prefix 64:ff9b::/96: the last 4 bytes are an IPv4 address the gateway connects to */
const NAT64_PREFIX = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

/** Why an address may not be a webhook target by default ("a loopback address"), or null when it may. */
export function blockedAddressKind(ip: IpBytes): string | null {
  if (ip.family === 6 && matchesPrefix(ip.bytes, NAT64_PREFIX, 96)) {
    return blockedAddressKind({ family: 4, bytes: ip.bytes.slice(12) });
  }
  const ranges = ip.family === 4 ? BLOCKED_IPV4 : BLOCKED_IPV6;
  for (const [label, prefix, bits] of ranges) if (matchesPrefix(ip.bytes, prefix, bits)) return label;
  return null;
}

/** An http(s) URL as a channel may store it, or the reason it may not (checked when the channel is saved). */
export function checkTargetUrl(text: string): { ok: true; url: URL } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: `"${text}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: `the URL must start with http:// or https://, not ${url.protocol}//` };
  }
  if (url.hostname === '') return { ok: false, error: 'the URL has no host' };
  return { ok: true, url };
}

/**
 * Resolves the URL's host and checks every address: refused when any is
 * loopback, private, link-local, CGNAT, unique-local, multicast, unspecified
 * or a cloud metadata address, unless `allowPrivate` (TMON_ALERT_PRIVATE_TARGETS).
 */
export async function resolveSafeTarget(
  text: string,
  options: { allowPrivate: boolean; resolveAll?: ResolveAll },
): Promise<TargetCheck> {
  const checked = checkTargetUrl(text);
  if (!checked.ok) return { ...checked, permanent: true };
  const { url } = checked;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: IpBytes[];
  const literal = parseIp(host);
  if (literal !== null) {
    addresses = [literal];
  } else {
    let found: LookupAddress[];
    try {
      found = await (options.resolveAll ?? systemResolveAll)(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return { ok: false, error: `cannot resolve ${host}: ${code}`, permanent: false };
    }
    addresses = found.map((entry) => parseIp(entry.address)).filter((ip): ip is IpBytes => ip !== null);
    if (addresses.length === 0) return { ok: false, error: `cannot resolve ${host}: no address`, permanent: false };
  }
  if (!options.allowPrivate) {
    for (const ip of addresses) {
      const kind = blockedAddressKind(ip);
      if (kind !== null) {
        return {
          ok: false,
          error: `refused target: ${host} resolves to ${formatIp(ip)}, ${kind} (TMON_ALERT_PRIVATE_TARGETS=1 allows it)`,
          permanent: true,
        };
      }
    }
  }
  return {
    ok: true,
    target: { url, addresses: addresses.map((ip) => ({ address: formatIp(ip), family: ip.family })) },
  };
}

/** A `lookup` for http(s).request that answers the checked addresses, whatever the name resolves to now. */
export function pinnedLookup(target: SafeTarget): LookupFunction {
  return (_hostname, options, callback) => {
    // net.connect asks for every address when it may try several (autoSelectFamily): localhost's ::1 and 127.0.0.1
    if (options.all) callback(null, target.addresses);
    else {
      const first = target.addresses[0] as CheckedAddress;
      callback(null, first.address, first.family);
    }
  };
}
