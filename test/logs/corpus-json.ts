/**
 * JSON access logs: Caddy's (the first line is the example of Caddy's
 * documentation), Traefik's, and nginx `escape=json` logs, read with
 * `--format json` or with the user's own `log_format … escape=json`.
 */
import { at, CHROME, type CorpusCase, FIREFOX, record } from './corpus-case.js';

const CADDY_DOCS_EXAMPLE =
  '{"level":"info","ts":1646861401.5241024,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"127.0.0.1","remote_port":"41342","client_ip":"127.0.0.1","proto":"HTTP/2.0","method":"GET","host":"localhost","uri":"/","headers":{"User-Agent":["curl/7.82.0"],"Accept":["*/*"],"Accept-Encoding":["gzip, deflate, br"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"example.com"}},"bytes_read": 0,"user_id":"","duration":0.000929675,"size":10900,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Encoding":["gzip"],"Content-Type":["text/html; charset=utf-8"],"Vary":["Accept-Encoding"]}}';

const CADDY_BEHIND_PROXY = `{"level":"info","ts":"2026-12-07T10:15:32.250+01:00","logger":"http.log.access.log0","msg":"handled request","request":{"remote_ip":"10.0.0.5","remote_port":"55392","client_ip":"198.51.100.7","proto":"HTTP/1.1","method":"POST","host":"shop.example.com","uri":"/cart?add=3","headers":{"User-Agent":["${FIREFOX}"],"Referer":["https://shop.example.com/item/3"],"X-Forwarded-For":["203.0.113.50, 10.0.0.5"]}},"bytes_read":120,"user_id":"ann","duration":"1.5ms","size":0,"status":303}`;

const TRAEFIK =
  '{"ClientAddr":"148.113.255.4:52654","ClientHost":"148.113.255.4","ClientPort":"52654","ClientUsername":"-","DownstreamContentSize":397,"DownstreamStatus":200,"Duration":3454189,"OriginContentSize":397,"OriginDuration":3427197,"OriginStatus":200,"Overhead":26992,"RequestAddr":"app.example.com","RequestContentSize":0,"RequestCount":5,"RequestHost":"app.example.com","RequestMethod":"GET","RequestPath":"/.env","RequestPort":"-","RequestProtocol":"HTTP/2.0","RequestScheme":"https","RetryAttempts":0,"RouterName":"app@docker","ServiceAddr":"10.0.1.8:8000","ServiceName":"app@docker","ServiceURL":"http://10.0.1.8:8000","StartLocal":"2026-09-29T23:05:40.189830187Z","StartUTC":"2026-09-29T23:05:40.189830187Z","TLSCipher":"TLS_AES_128_GCM_SHA256","TLSVersion":"1.3","entryPointName":"websecure","level":"info","msg":"","request_User-Agent":"curl/8.5.0","time":"2026-09-29T23:05:40Z"}';

const TRAEFIK_IPV6 = `{"ClientAddr":"[2001:db8::42]:40000","ClientHost":"2001:db8::42","ClientUsername":"bob","DownstreamContentSize":12,"DownstreamStatus":401,"Duration":250000000,"RequestHost":"api.example.com","RequestMethod":"PUT","RequestPath":"/v1/users/9","RequestProtocol":"HTTP/1.1","StartLocal":"2026-12-07T03:15:32.5-07:00","StartUTC":"2026-12-07T10:15:32.5Z","request_Referer":"https://api.example.com/docs","request_User-Agent":"${CHROME}","request_X-Forwarded-For":"192.0.2.200","level":"info","msg":""}`;

const NGINX_JSON = `{"time_iso8601":"2026-12-07T10:15:32+01:00","remote_addr":"192.0.2.50","remote_user":"","request":"GET /a?b=1 HTTP/1.1","status":"200","body_bytes_sent":"612","request_time":"0.004","http_referer":"","http_user_agent":"Mozilla/5.0 \\"quoted\\" \\u00e9","http_x_forwarded_for":"","host":"example.com","upstream_addr":"127.0.0.1:8080"}`;

const NGINX_JSON_TEMPLATE = `log_format analytics escape=json '{"when":"$msec","client":"$remote_addr",'
  '"verb":"$request_method","target":"$request_uri","code":$status,"ua":"$http_user_agent",'
  '"took":"$request_time","cache":"$upstream_cache_status"}';`;

export const JSON_CORPUS: CorpusCase[] = [
  {
    name: 'Caddy: the documentation example',
    format: 'json',
    line: CADDY_DOCS_EXAMPLE,
    expected: record({
      url: '/',
      ip: '127.0.0.1',
      ts: 1646861401524,
      useragent: 'curl/7.82.0',
      duration_ms: 0.93,
      extra: { vhost: 'localhost', bytes: 10900 },
    }),
  },
  {
    name: 'Caddy behind a proxy: client_ip, an ISO time, a Go duration, user_id, Referer',
    format: 'json',
    line: CADDY_BEHIND_PROXY,
    expected: record({
      url: '/cart?add=3',
      ip: '198.51.100.7',
      ts: at(2026, 12, 7, 10, 15, 32, 60) + 250,
      method: 'POST',
      status: 303,
      username: 'ann',
      useragent: FIREFOX,
      referrer: 'https://shop.example.com/item/3',
      duration_ms: 1.5,
      extra: { vhost: 'shop.example.com', bytes: 0 },
    }),
  },
  {
    name: 'Caddy: the first X-Forwarded-For hop with the option',
    format: 'json',
    options: { clientFromForwardedFor: true },
    line: CADDY_BEHIND_PROXY,
    expected: record({
      url: '/cart?add=3',
      ip: '203.0.113.50',
      ts: at(2026, 12, 7, 10, 15, 32, 60) + 250,
      method: 'POST',
      status: 303,
      username: 'ann',
      useragent: FIREFOX,
      referrer: 'https://shop.example.com/item/3',
      duration_ms: 1.5,
      extra: { vhost: 'shop.example.com', bytes: 0 },
    }),
  },
  {
    name: 'Traefik: Duration in ns, StartUTC with ns, ClientUsername -',
    format: 'json',
    line: TRAEFIK,
    expected: record({
      url: '/.env',
      ip: '148.113.255.4',
      ts: at(2026, 9, 29, 23, 5, 40) + 189,
      useragent: 'curl/8.5.0',
      duration_ms: 3.454,
      extra: { vhost: 'app.example.com', bytes: 397 },
    }),
  },
  {
    name: 'Traefik: an IPv6 client, a user, a Referer',
    format: 'json',
    line: TRAEFIK_IPV6,
    expected: record({
      url: '/v1/users/9',
      ip: '2001:db8::42',
      ts: at(2026, 12, 7, 10, 15, 32) + 500,
      method: 'PUT',
      status: 401,
      username: 'bob',
      useragent: CHROME,
      referrer: 'https://api.example.com/docs',
      duration_ms: 250,
      extra: { vhost: 'api.example.com', bytes: 12 },
    }),
  },
  {
    name: 'Traefik: request_X-Forwarded-For with the option',
    format: 'json',
    options: { clientFromForwardedFor: true },
    line: TRAEFIK_IPV6,
    expected: record({
      url: '/v1/users/9',
      ip: '192.0.2.200',
      ts: at(2026, 12, 7, 10, 15, 32) + 500,
      method: 'PUT',
      status: 401,
      username: 'bob',
      useragent: CHROME,
      referrer: 'https://api.example.com/docs',
      duration_ms: 250,
      extra: { vhost: 'api.example.com', bytes: 12 },
    }),
  },
  {
    name: 'nginx escape=json with the common names; empty values are missing ones; other fields in extra',
    format: 'json',
    line: NGINX_JSON,
    expected: record({
      url: '/a?b=1',
      ip: '192.0.2.50',
      ts: at(2026, 12, 7, 10, 15, 32, 60),
      useragent: 'Mozilla/5.0 "quoted" é',
      duration_ms: 4,
      extra: { bytes: 612, vhost: 'example.com', upstream_addr: '127.0.0.1:8080' },
    }),
  },
  {
    name: 'nginx JSON: msec as a number, request_method with request_uri, status as a number',
    format: 'json',
    line: '{"msec":1765102532.457,"remote_addr":"2001:db8::9","request_method":"PATCH","request_uri":"/p/1","status":204,"http_user_agent":"curl/8.5.0"}',
    expected: record({
      url: '/p/1',
      ip: '2001:db8::9',
      ts: 1765102532457,
      method: 'PATCH',
      status: 204,
      useragent: 'curl/8.5.0',
    }),
  },
  {
    name: "nginx escape=json read through the user's own log_format: its keys name the variables",
    format: NGINX_JSON_TEMPLATE,
    line: '{"when":"1765102532.457","client":"192.0.2.61","verb":"GET","target":"/img/a.png","code":200,"ua":"curl/8.5.0","took":"0.002","cache":"HIT"}',
    expected: record({
      url: '/img/a.png',
      ip: '192.0.2.61',
      ts: 1765102532457,
      useragent: 'curl/8.5.0',
      duration_ms: 2,
      extra: { cache: 'HIT' },
    }),
  },

  {
    name: 'nginx escape=json template: a key whose value mixes variables is read by its common name',
    format: `log_format mixed escape=json '{"remote_addr":"$remote_addr","time_iso8601":"$time_iso8601","request":"$request_method $request_uri $server_protocol"}';`,
    line: '{"remote_addr":"192.0.2.62","time_iso8601":"2026-12-07T10:15:32+00:00","request":"GET /m HTTP/1.1"}',
    expected: record({ url: '/m', ip: '192.0.2.62', ts: at(2026, 12, 7, 10, 15, 32), status: null }),
  },
  // Malformed lines
  { name: 'JSON: not JSON', format: 'json', line: 'hello world', expected: { refused: 'bad_json' } },
  {
    name: 'JSON: a truncated object',
    format: 'json',
    line: '{"remote_addr":"192.0.2.1","req',
    expected: { refused: 'bad_json' },
  },
  { name: 'JSON: an array', format: 'json', line: '[1,2,3]', expected: { refused: 'bad_json' } },
  { name: 'JSON: an empty line', format: 'json', line: '', expected: { refused: 'empty' } },
  {
    name: 'JSON: no address',
    format: 'json',
    line: '{"time_iso8601":"2026-12-07T10:15:32+00:00","request":"GET / HTTP/1.1","status":200}',
    expected: { refused: 'missing_ip' },
  },
  {
    name: 'JSON: no time',
    format: 'json',
    line: '{"remote_addr":"192.0.2.1","request":"GET / HTTP/1.1","status":200}',
    expected: { refused: 'missing_time' },
  },
  {
    name: 'JSON: no request',
    format: 'json',
    line: '{"remote_addr":"192.0.2.1","time_iso8601":"2026-12-07T10:15:32+00:00","status":200}',
    expected: { refused: 'missing_url' },
  },
  {
    name: 'JSON: a time that is not one',
    format: 'json',
    line: '{"remote_addr":"192.0.2.1","time_iso8601":"2026-13-07T10:15:32+00:00","request":"GET / HTTP/1.1"}',
    expected: { refused: 'bad_time' },
  },
  {
    name: 'JSON: a user agent with a lone UTF-16 surrogate escape',
    format: 'json',
    line: '{"remote_addr":"192.0.2.1","msec":"1765102532.457","request":"GET / HTTP/1.1","http_user_agent":"bad \\ud800 text"}',
    expected: { refused: 'bad_text' },
  },
  {
    name: 'Caddy: status 0 (the handler failed before answering)',
    format: 'json',
    line: '{"ts":1646861401.5,"request":{"remote_ip":"192.0.2.1","method":"GET","uri":"/"},"status":0}',
    expected: { refused: 'bad_status' },
  },
  {
    name: 'Caddy: a url longer than 2048 characters',
    format: 'json',
    line: `{"ts":1646861401.5,"request":{"remote_ip":"192.0.2.1","method":"GET","uri":"/${'b'.repeat(2048)}"},"status":200}`,
    expected: { refused: 'url_too_long' },
  },
  {
    name: 'Traefik: a negative duration',
    format: 'json',
    line: '{"ClientHost":"192.0.2.1","RequestMethod":"GET","RequestPath":"/","DownstreamStatus":200,"Duration":-5,"StartUTC":"2026-12-07T10:15:32Z"}',
    expected: { refused: 'bad_number' },
  },
  {
    name: 'Traefik: a request line of garbage in the nginx-style request field',
    format: 'json',
    line: '{"remote_addr":"192.0.2.1","msec":"1765102532.457","request":"\\u0016\\u0003\\u0001"}',
    expected: { refused: 'bad_request_line' },
  },
];
