/**
 * The one table of what tmon reads from an access-log format: each nginx
 * variable and Apache directive → the record field it fills and how its text
 * is converted. The presets (combined, common, vhost_combined) are format
 * strings compiled through these same tables.
 *
 * In every text format: `-` is a missing value; text fields are unescaped
 * (log-escapes.ts); a second variable or directive for a record field that
 * one before it already fills (`%h` then `%a`) is kept in extra under its name;
 * a format must name a client address, a time and a request. How a pasted
 * format is unwrapped: nginx-format.ts and apache-format.ts.
 *
 * nginx `log_format` variables:
 *   $remote_addr                         → ip (brackets and a port are removed)
 *   $http_x_forwarded_for                → client ip, with the clientFromForwardedFor option (first hop)
 *   $remote_user                         → username (`-` → null)
 *   $time_local                          → ts (`10/Oct/2000:13:55:36 -0700`, with its zone)
 *   $time_iso8601                        → ts (`2000-10-10T13:55:36-07:00`)
 *   $msec                                → ts (seconds since the epoch, with ms)
 *   $request                             → url, method (`GET /path?q HTTP/1.1`)
 *   $request_method                      → method
 *   $request_uri                         → url (path and query)
 *   $uri, $document_uri + $args, $query_string → url (path, then `?` and the query)
 *   $status                              → status (100–599)
 *   $body_bytes_sent, $bytes_sent        → extra.bytes
 *   $http_referer                        → referrer (`-` → null)
 *   $http_user_agent                     → useragent (`-` → '')
 *   $request_time                        → duration_ms (seconds with ms resolution)
 *   $upstream_response_time              → extra.upstream_response_time_ms (the sum when several upstreams answered)
 *   $host, $server_name, $http_host      → extra.vhost
 *   $server_port → extra.port, $server_protocol → extra.protocol, $scheme → extra.scheme,
 *   $request_length → extra.request_length (a number)
 *   ${name} is the same as $name; any other variable → extra under its own name (`$http_accept_language` →
 *   extra.http_accept_language); `-` or an empty value is left out.
 *
 * Apache `LogFormat` directives (modifiers such as `%>s`, `%<s`, `%400,501{…}i`, `%!200{…}i` are accepted and
 * the condition ignored):
 *   %h, %a → ip;  %{c}a → extra.peer_ip;  %A → extra.local_ip;  %l → ignored;  %u → username
 *   %t → ts (`[10/Oct/2000:13:55:36 -0700]`);  %{format}t → ts, where format is `sec`, `msec`, `usec`
 *     (optionally `begin:`/`end:`) or strftime with %Y %y %m %b %h %d %e %H %M %S %T %F %z %s %a %A %j %%,
 *     which must hold %z or %s (a time split over several %{…}t, such as `%{msec_frac}t` beside a strftime
 *     format, is not read)
 *   %r → url, method;  %m → method;  %U + %q → url (`%U%q` written together is read as one);  %H → extra.protocol
 *   %>s, %s → status;  %b, %B, %O → extra.bytes (`-` → 0);  %I → extra.bytes_received;  %S → extra.bytes_transferred
 *   %D (µs), %T (s), %{ms}T, %{us}T, %{s}T → duration_ms
 *   %v, %V, %{Host}i → extra.vhost;  %p, %{canonical}p, %{local}p → extra.port;  %{remote}p → extra.remote_port
 *   %{Referer}i → referrer;  %{User-Agent}i → useragent;  %{X-Forwarded-For}i → as $http_x_forwarded_for
 *   %{Name}i → extra.http_name (lower case, `-` → `_`);  %{Name}o → extra.sent_http_name;  %{VAR}e → extra.env_VAR;
 *   %{note}n → extra.note_note;  %{name}C → extra.cookie_name;  %f → extra.filename;  %k → extra.keepalive_requests;
 *   %L → extra.log_id;  %P → extra.pid;  %R → extra.handler;  %X → extra.connection_status;  %% → a literal %
 *
 * JSON logs (`--format json`), recognised per line by their field names:
 *   Caddy (a `request` object): request.client_ip, else request.remote_ip → ip; ts (epoch seconds or ISO 8601);
 *     request.method, request.uri, request.host → extra.vhost; request.headers.User-Agent[0], .Referer[0],
 *     .X-Forwarded-For[0]; user_id → username; duration (seconds, or a Go duration such as "1.5ms") → duration_ms;
 *     size → extra.bytes; status
 *   Traefik (`DownstreamStatus`, `RequestMethod` or `ClientHost`): ClientHost, else ClientAddr → ip; StartUTC,
 *     else StartLocal, else time → ts; RequestMethod; RequestPath → url; RequestHost → extra.vhost;
 *     DownstreamStatus → status; Duration (ns) → duration_ms; DownstreamContentSize → extra.bytes;
 *     ClientUsername → username; request_User-Agent, request_Referer, request_X-Forwarded-For
 *   nginx `escape=json` and other flat objects: remote_addr (or client_ip, ip) → ip; time_iso8601, time_local,
 *     msec, timestamp, @timestamp, time (epoch seconds, ISO 8601 or CLF, told apart by their look) → ts;
 *     request, or request_method (or method) + request_uri (or uri + args / query_string) → url, method; status;
 *     body_bytes_sent, bytes_sent → extra.bytes; http_referer (or referer, referrer) → referrer;
 *     http_user_agent (or user_agent, agent) → useragent; request_time (seconds) → duration_ms;
 *     upstream_response_time; remote_user → username; http_x_forwarded_for; host, server_name → extra.vhost;
 *     every other field → extra under its own name; a null, '' or `-` value is left out.
 *   With the user's own `log_format … escape=json '{…}'` as the format, each key is read as the variable its
 *     template puts there (`"ip":"$remote_addr"` → ip), by the nginx table above.
 */

import { apacheTimeReader } from './apache-time.js';
import {
  addressPart,
  bytesPart,
  durationPart,
  extraPart,
  type FieldPart,
  ignoredPart,
  requestPart,
  statusPart,
  textPart,
  timePart,
  upstreamTimePart,
  vhostPart,
} from './field-parts.js';
import { LogFormatError } from './log-record.js';
import { parseClfTime, parseEpochSeconds, parseIsoTime } from './log-time.js';

const NGINX_VARIABLES: Readonly<Record<string, FieldPart>> = {
  remote_addr: addressPart('ip', 'remote_addr'),
  http_x_forwarded_for: addressPart('forwardedFor', 'http_x_forwarded_for'),
  remote_user: textPart('username', 'remote_user'),
  time_local: timePart('time_local', parseClfTime, true),
  time_iso8601: timePart('time_iso8601', parseIsoTime),
  msec: timePart('msec', parseEpochSeconds),
  request: requestPart('request', 'request'),
  request_method: requestPart('method', 'request_method'),
  request_uri: requestPart('requestUri', 'request_uri'),
  uri: requestPart('path', 'uri'),
  document_uri: requestPart('path', 'document_uri'),
  args: requestPart('query', 'args'),
  query_string: requestPart('query', 'query_string'),
  status: statusPart('status'),
  body_bytes_sent: bytesPart('body_bytes_sent'),
  bytes_sent: bytesPart('bytes_sent'),
  http_referer: textPart('referrer', 'http_referer'),
  http_user_agent: textPart('useragent', 'http_user_agent'),
  request_time: durationPart('request_time', 1000, true),
  upstream_response_time: upstreamTimePart('upstream_response_time'),
  host: vhostPart('host'),
  server_name: vhostPart('server_name'),
  http_host: vhostPart('http_host'),
  server_port: extraPart('port', true),
  server_protocol: extraPart('protocol'),
  scheme: extraPart('scheme'),
  request_length: extraPart('request_length', true),
};

export function nginxVariable(name: string): FieldPart {
  return NGINX_VARIABLES[name] ?? extraPart(name);
}

/** `%[modifiers]{argument}letter` → its part; `argument` is '' when the directive has none. */
export function apacheDirective(letter: string, argument: string): FieldPart {
  switch (letter) {
    case 'h':
      return addressPart('ip', 'remote_host');
    case 'a':
      return argument === 'c' ? extraPart('peer_ip') : addressPart('ip', 'client_ip');
    case 'A':
      return extraPart('local_ip');
    case 'l':
      return ignoredPart('remote_logname');
    case 'u':
      return textPart('username', 'remote_user');
    case 't':
      return argument === ''
        ? timePart('time_local', (text) => parseClfTime(text.slice(1, -1)), false, '\\[[^\\]]*\\]')
        : timePart('time', apacheTimeReader(argument), /[ ]/.test(argument));
    case 'r':
      return requestPart('request', 'request');
    case 'm':
      return requestPart('method', 'method');
    case 'U':
      return requestPart('path', 'path');
    case 'q':
      return requestPart('query', 'query');
    case 'H':
      return extraPart('protocol');
    case 's':
      return statusPart('status');
    case 'b':
      return bytesPart('response_bytes_clf');
    case 'B':
      return bytesPart('response_bytes');
    case 'O':
      return bytesPart('bytes_sent');
    case 'I':
      return bytesPart('bytes_received', 'bytes_received');
    case 'S':
      return bytesPart('bytes_transferred', 'bytes_transferred');
    case 'D':
      return durationPart('time_taken_us', 0.001, false);
    case 'T':
      return apacheSecondsPart(argument);
    case 'v':
      return vhostPart('server_name');
    case 'V':
      return vhostPart('server_name_used');
    case 'p':
      return extraPart(argument === 'remote' ? 'remote_port' : 'port', true);
    case 'i':
      return requestHeaderPart(argument);
    case 'o':
      return extraPart(`sent_http_${headerKey(argument)}`);
    case 'e':
      return extraPart(`env_${argument}`);
    case 'n':
      return extraPart(`note_${argument}`);
    case 'C':
      return extraPart(`cookie_${argument}`);
    case 'f':
      return extraPart('filename');
    case 'k':
      return extraPart('keepalive_requests', true);
    case 'L':
      return extraPart('log_id');
    case 'P':
      return extraPart('pid', true);
    case 'R':
      return extraPart('handler');
    case 'X':
      return extraPart('connection_status');
    default:
      throw new LogFormatError(`the Apache directive %${argument ? `{${argument}}` : ''}${letter} is not supported`);
  }
}

function apacheSecondsPart(unit: string): FieldPart {
  if (unit === '' || unit === 's') return durationPart('time_taken_s', 1000, false);
  if (unit === 'ms') return durationPart('time_taken_ms', 1, false);
  if (unit === 'us') return durationPart('time_taken_us', 0.001, false);
  throw new LogFormatError(`%{${unit}}T: the unit must be s, ms or us`);
}

function requestHeaderPart(header: string): FieldPart {
  const key = headerKey(header);
  if (key === 'referer') return textPart('referrer', 'http_referer');
  if (key === 'user_agent') return textPart('useragent', 'http_user_agent');
  if (key === 'x_forwarded_for') return addressPart('forwardedFor', 'http_x_forwarded_for');
  if (key === 'host') return vhostPart('http_host');
  return extraPart(`http_${key}`);
}

/** `User-Agent` → `user_agent`: nginx's spelling of a header, so both syntaxes name extras alike. */
function headerKey(header: string): string {
  return header.toLowerCase().replaceAll('-', '_');
}
