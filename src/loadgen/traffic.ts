/**
 * Fixed sender events for the ingest benchmark (bench/): real public
 * addresses from ~35 countries (each resolves to a city in the shipped DB-IP
 * data), common user agents, a site's worth of URLs. Deterministic: event n
 * is always the same event, apart from its id, so runs compare. `tmon
 * loadgen` draws from a wider, weighted model instead (traffic-mix.ts).
 */

/** Public addresses (DNS resolvers, universities, ISPs, CDNs) across continents; three are IPv6. */
export const PUBLIC_IPS: readonly string[] = [
  '8.8.8.8',
  '1.1.1.1',
  '9.9.9.9',
  '208.67.222.222',
  '193.0.6.139',
  '212.58.244.22',
  '80.67.169.12',
  '194.150.168.168',
  '77.88.8.8',
  '202.12.27.33',
  '180.76.76.76',
  '114.114.114.114',
  '200.160.2.3',
  '196.216.2.1',
  '41.203.18.1',
  '102.130.120.1',
  '203.2.218.214',
  '202.46.32.1',
  '103.21.244.1',
  '164.100.1.1',
  '200.68.224.1',
  '190.210.0.1',
  '200.1.123.1',
  '186.1.1.1',
  '62.40.32.1',
  '195.34.0.1',
  '85.10.192.1',
  '91.198.174.192',
  '130.149.7.201',
  '129.187.254.49',
  '134.76.12.1',
  '150.244.0.1',
  '147.102.1.1',
  '193.136.0.1',
  '195.113.0.1',
  '193.6.0.1',
  '195.251.0.1',
  '194.146.106.1',
  '130.237.0.1',
  '128.214.0.1',
  '158.39.0.1',
  '130.226.0.1',
  '2001:4860:4860::8888',
  '2606:4700:4700::1111',
  '2a00:1450:4001::1',
  '61.135.169.121',
  '210.132.0.1',
  '211.234.0.1',
  '168.126.63.1',
  '49.0.0.1',
  '143.107.0.1',
  '200.17.0.1',
  '190.97.0.1',
  '201.131.0.1',
  '187.141.0.1',
  '105.0.0.1',
  '197.4.0.1',
  '41.190.0.1',
  '41.139.0.1',
  '154.72.0.1',
  '5.255.255.5',
  '95.161.0.1',
  '151.101.1.140',
  '17.253.144.10',
  '24.0.0.1',
  '99.0.0.1',
  '64.233.0.1',
  '139.130.4.5',
  '122.56.0.1',
  '202.27.0.1',
  '117.102.0.1',
  '110.44.0.1',
  '119.160.0.1',
  '202.83.0.1',
  '5.2.0.1',
  '94.182.0.1',
  '81.21.0.1',
  '88.0.0.1',
  '2.0.0.1',
];

export const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];

const PAGES = [
  '/',
  '/products',
  '/products/42',
  '/cart',
  '/checkout',
  '/search',
  '/blog',
  '/about',
  '/login',
  '/api/items',
];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST'];
const STATUSES = [200, 200, 200, 200, 200, 200, 304, 301, 404, 500];
const REFERRERS = [null, null, 'https://www.google.com/', 'https://duckduckgo.com/', 'https://news.ycombinator.com/'];

/** A small integer hash, so event n's fields look independent of each other. */
function mix(n: number, salt: number): number {
  let x = Math.imul(n ^ salt, 0x9e3779b1);
  x ^= x >>> 15;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  return x >>> 0;
}

function pick<T>(list: readonly T[], n: number, salt: number): T {
  return list[mix(n, salt) % list.length] as T;
}

/** The event a sender reports for request n, with idempotency key `id`. */
export function senderEvent(n: number, id: string): Record<string, unknown> {
  const page = pick(PAGES, n, 1);
  const url = page === '/products' || page === '/search' ? `${page}?page=${mix(n, 2) % 50}` : page;
  const referrer = pick(REFERRERS, n, 7);
  return {
    url,
    ip: pick(PUBLIC_IPS, n, 3),
    useragent: pick(USER_AGENTS, n, 4),
    method: pick(METHODS, n, 5),
    status: pick(STATUSES, n, 6),
    duration_ms: (mix(n, 8) % 4000) / 10,
    ...(referrer === null ? {} : { referrer }),
    id,
  };
}

/**
 * senderEvent(n) as JSON text without its closing brace and id, so a batch
 * can be built by string concatenation: `${fragment},"id":"…"}`.
 */
export function eventFragment(n: number): string {
  const { id: _id, ...rest } = senderEvent(n, '');
  const json = JSON.stringify(rest);
  return json.slice(0, -1);
}
