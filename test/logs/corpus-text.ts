/**
 * Lines in the text formats — Apache's and nginx's presets and custom formats — as
 * those servers write them, including their escaping (malformed lines: corpus-malformed.ts).
 * The first lines are the examples of Apache's mod_log_config documentation.
 */
import { at, CHROME, type CorpusCase, FIREFOX, record } from './corpus-case.js';

const NGINX_TIMED =
  `log_format timed '$remote_addr - $remote_user [$time_local] "$request" '\n` +
  `                 '$status $body_bytes_sent "$http_referer" "$http_user_agent" '\n` +
  `                 'rt=$request_time uct=$upstream_connect_time urt=$upstream_response_time host=$host';`;

const NGINX_MAIN = `'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"'`;

// biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's own ${variable} syntax, not a template literal
export const NGINX_BRACES = '${remote_addr} ${msec} "${request}" ${status} ${request_time}';

const APACHE_TIMED = `LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\" %D" timed`;

export const TEXT_CORPUS: CorpusCase[] = [
  {
    name: 'Apache common: the documentation example',
    format: 'common',
    line: '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
    expected: record({
      url: '/apache_pb.gif',
      ip: '127.0.0.1',
      username: 'frank',
      ts: at(2000, 10, 10, 13, 55, 36, -420),
      extra: { bytes: 2326 },
    }),
  },
  {
    name: 'Apache combined: the documentation example',
    format: 'combined',
    line: '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    expected: record({
      url: '/apache_pb.gif',
      ip: '127.0.0.1',
      username: 'frank',
      ts: at(2000, 10, 10, 13, 55, 36, -420),
      referrer: 'http://www.example.com/start.html',
      useragent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
      extra: { bytes: 2326 },
    }),
  },
  {
    name: 'nginx combined: a POST with a query, no referrer, +0000',
    format: 'combined',
    line: `203.0.113.12 - - [07/Dec/2026:10:15:32 +0000] "POST /api/items?page=2&sort=name HTTP/1.1" 201 48 "-" "${CHROME}"`,
    expected: record({
      url: '/api/items?page=2&sort=name',
      ip: '203.0.113.12',
      ts: at(2026, 12, 7, 10, 15, 32),
      method: 'POST',
      status: 201,
      useragent: CHROME,
      extra: { bytes: 48 },
    }),
  },
  {
    name: 'combined: an IPv6 client and a +0530 zone',
    format: 'combined',
    line: `2001:db8::1 - - [01/Mar/2024:00:10:00 +0530] "GET /feed.xml HTTP/2.0" 304 0 "https://example.org/" "${FIREFOX}"`,
    expected: record({
      url: '/feed.xml',
      ip: '2001:db8::1',
      ts: at(2024, 3, 1, 0, 10, 0, 330),
      status: 304,
      referrer: 'https://example.org/',
      useragent: FIREFOX,
      extra: { bytes: 0 },
    }),
  },
  {
    name: 'combined: nginx writes a quote in the user agent as \\x22, and UTF-8 bytes as \\xHH',
    format: 'combined',
    line: '198.51.100.4 - - [07/Dec/2026:10:15:32 +0000] "GET /caf\\xC3\\xA9 HTTP/1.1" 200 5 "-" "Bot \\x22quoted\\x22 \\xE2\\x9C\\x93"',
    expected: record({
      url: '/café',
      ip: '198.51.100.4',
      ts: at(2026, 12, 7, 10, 15, 32),
      useragent: 'Bot "quoted" ✓',
      extra: { bytes: 5 },
    }),
  },
  {
    name: 'combined: Apache writes \\" and \\\\ in the user agent, and a byte that is not UTF-8 becomes U+FFFD',
    format: 'combined',
    line: '198.51.100.4 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 5 "-" "Agent \\"x\\" C:\\\\dir \\xff"',
    expected: record({
      url: '/',
      ip: '198.51.100.4',
      ts: at(2026, 12, 7, 10, 15, 32),
      useragent: 'Agent "x" C:\\dir \uFFFD',
      extra: { bytes: 5 },
    }),
  },
  {
    name: 'combined: - for a missing user agent is an empty user agent; %b writes - for no bytes',
    format: 'common',
    line: '192.0.2.33 - - [07/Dec/2026:23:59:59 -0700] "HEAD /health HTTP/1.1" 200 -',
    expected: record({
      url: '/health',
      ip: '192.0.2.33',
      ts: at(2026, 12, 7, 23, 59, 59, -420),
      method: 'HEAD',
      extra: { bytes: 0 },
    }),
  },
  {
    name: 'vhost_combined: the virtual host and port come first',
    format: 'vhost_combined',
    line: `www.example.com:443 192.0.2.10 - - [07/Dec/2026:10:15:32 +0100] "GET /pricing HTTP/1.1" 200 5120 "https://www.example.com/" "${CHROME}"`,
    expected: record({
      url: '/pricing',
      ip: '192.0.2.10',
      ts: at(2026, 12, 7, 10, 15, 32, 60),
      referrer: 'https://www.example.com/',
      useragent: CHROME,
      extra: { vhost: 'www.example.com', port: 443, bytes: 5120 },
    }),
  },
  {
    name: 'nginx custom: $request_time, $upstream_response_time with two upstreams, $host, unknown variables in extra',
    format: NGINX_TIMED,
    line: `192.0.2.77 - alice [07/Dec/2026:10:15:32 -0700] "GET /report HTTP/1.1" 200 1024 "-" "${FIREFOX}" rt=0.123 uct=0.001 urt=0.050, 0.070 host=shop.example.com`,
    expected: record({
      url: '/report',
      ip: '192.0.2.77',
      username: 'alice',
      ts: at(2026, 12, 7, 10, 15, 32, -420),
      useragent: FIREFOX,
      duration_ms: 123,
      extra: { bytes: 1024, upstream_connect_time: '0.001', upstream_response_time_ms: 120, vhost: 'shop.example.com' },
    }),
  },
  {
    name: 'nginx custom: no upstream (-) leaves the upstream time out',
    format: NGINX_TIMED,
    line: '192.0.2.77 - - [07/Dec/2026:10:15:32 +0000] "GET /static/app.js HTTP/1.1" 200 90 "-" "-" rt=0.000 uct=- urt=- host=shop.example.com',
    expected: record({
      url: '/static/app.js',
      ip: '192.0.2.77',
      ts: at(2026, 12, 7, 10, 15, 32),
      duration_ms: 0,
      extra: { bytes: 90, vhost: 'shop.example.com' },
    }),
  },
  {
    name: 'nginx main: X-Forwarded-For ignored without the option',
    format: NGINX_MAIN,
    line: '10.0.0.2 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8.5.0" "203.0.113.9, 10.0.0.1"',
    expected: record({
      url: '/',
      ip: '10.0.0.2',
      ts: at(2026, 12, 7, 10, 15, 32),
      useragent: 'curl/8.5.0',
      extra: { bytes: 1 },
    }),
  },
  {
    name: 'nginx main: the client is the first X-Forwarded-For hop with the option',
    format: NGINX_MAIN,
    options: { clientFromForwardedFor: true },
    line: '10.0.0.2 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8.5.0" "203.0.113.9, 10.0.0.1"',
    expected: record({
      url: '/',
      ip: '203.0.113.9',
      ts: at(2026, 12, 7, 10, 15, 32),
      useragent: 'curl/8.5.0',
      extra: { bytes: 1 },
    }),
  },
  {
    name: 'nginx main: an X-Forwarded-For hop that is no address falls back to the remote address',
    format: NGINX_MAIN,
    options: { clientFromForwardedFor: true },
    line: '10.0.0.2 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8.5.0" "unknown, 10.0.0.1"',
    expected: record({
      url: '/',
      ip: '10.0.0.2',
      ts: at(2026, 12, 7, 10, 15, 32),
      useragent: 'curl/8.5.0',
      extra: { bytes: 1 },
    }),
  },
  {
    name: 'nginx main: no X-Forwarded-For (-) keeps the remote address',
    format: NGINX_MAIN,
    options: { clientFromForwardedFor: true },
    line: '10.0.0.2 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8.5.0" "-"',
    expected: record({
      url: '/',
      ip: '10.0.0.2',
      ts: at(2026, 12, 7, 10, 15, 32),
      useragent: 'curl/8.5.0',
      extra: { bytes: 1 },
    }),
  },
  {
    name: 'nginx custom: $time_iso8601, $request_method with $uri and $args',
    format: '$remote_addr $time_iso8601 $request_method $uri $args $status "$http_user_agent"',
    line: '2001:db8:0:1::5 2026-12-07T10:15:32-07:00 DELETE /items/7 force=1 204 "curl/8.5.0"',
    expected: record({
      url: '/items/7?force=1',
      ip: '2001:db8:0:1::5',
      ts: at(2026, 12, 7, 10, 15, 32, -420),
      method: 'DELETE',
      status: 204,
      useragent: 'curl/8.5.0',
    }),
  },
  {
    name: 'nginx custom: $msec, variables in braces, an address with a port',
    format: NGINX_BRACES,
    line: '[2001:db8::7]:51234 1765102532.457 "GET /x HTTP/1.1" 200 0.010',
    expected: record({ url: '/x', ip: '2001:db8::7', ts: 1765102532457, duration_ms: 10 }),
  },
  {
    name: 'Apache custom: %D is microseconds',
    format: APACHE_TIMED,
    line: `192.0.2.8 - - [07/Dec/2026:10:15:32 +0000] "GET /search?q=tmon HTTP/1.1" 200 3012 "https://example.org/" "${CHROME}" 52341`,
    expected: record({
      url: '/search?q=tmon',
      ip: '192.0.2.8',
      ts: at(2026, 12, 7, 10, 15, 32),
      referrer: 'https://example.org/',
      useragent: CHROME,
      duration_ms: 52.341,
      extra: { bytes: 3012 },
    }),
  },
  {
    name: 'Apache custom: %T is whole seconds, %v the virtual host, %{X-Forwarded-For}i with the option',
    format: '%v %h %t "%r" %>s %T "%{X-Forwarded-For}i"',
    options: { clientFromForwardedFor: true },
    line: 'blog.example.net 10.1.1.1 [07/Dec/2026:10:15:32 -0700] "GET /slow HTTP/1.1" 504 30 "198.51.100.20"',
    expected: record({
      url: '/slow',
      ip: '198.51.100.20',
      ts: at(2026, 12, 7, 10, 15, 32, -420),
      status: 504,
      duration_ms: 30_000,
      extra: { vhost: 'blog.example.net' },
    }),
  },
  {
    name: 'Apache custom: %{ms}T, %m %U%q, %{%Y-%m-%dT%H:%M:%S %z}t, a header into extra',
    format: '%a [%{%Y-%m-%dT%H:%M:%S %z}t] %m %U%q %s %{ms}T "%{Accept-Language}i"',
    line: '192.0.2.9 [2026-12-07T10:15:32 +0530] GET /docs?lang=fr 200 87 "fr-FR,fr;q=0.9"',
    expected: record({
      url: '/docs?lang=fr',
      ip: '192.0.2.9',
      ts: at(2026, 12, 7, 10, 15, 32, 330),
      duration_ms: 87,
      extra: { http_accept_language: 'fr-FR,fr;q=0.9' },
    }),
  },
  {
    name: "Traefik's text log (CLF and its own fields) read through an Apache format",
    format: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %{requests}n "%{router}n" "%{server}n" %{ms}Tms',
    line: '192.0.2.15 - - [07/Dec/2026:10:15:32 +0000] "GET /whoami HTTP/1.1" 200 402 "-" "curl/8.5.0" 17 "whoami@docker" "http://172.18.0.3:80" 3ms',
    expected: record({
      url: '/whoami',
      ip: '192.0.2.15',
      ts: at(2026, 12, 7, 10, 15, 32),
      useragent: 'curl/8.5.0',
      duration_ms: 3,
      extra: { bytes: 402, note_requests: '17', note_router: 'whoami@docker', note_server: 'http://172.18.0.3:80' },
    }),
  },
  {
    name: 'a 2048-character url is kept',
    format: 'common',
    line: `192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET /${'a'.repeat(2047)} HTTP/1.1" 200 1`,
    expected: record({
      url: `/${'a'.repeat(2047)}`,
      ip: '192.0.2.1',
      ts: at(2026, 12, 7, 10, 15, 32),
      extra: { bytes: 1 },
    }),
  },
  {
    name: 'a line ending in \\r (a log copied from Windows) reads as without it',
    format: 'common',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1\r',
    expected: record({ url: '/', ip: '192.0.2.1', ts: at(2026, 12, 7, 10, 15, 32), extra: { bytes: 1 } }),
  },
];
