/**
 * JSON logs with one flat object per line whose keys the user chose: nginx's
 * `log_format … escape=json '{…}'` and similar. Keys are read through the
 * nginx variable table: by the template's own mapping when tmon was given the
 * `log_format` (`"ip":"$remote_addr"`), else by the names such logs commonly use.
 */
import { type Decode, type FieldPart, timePart } from './field-parts.js';
import { nginxVariable } from './format-table.js';
import type { JsonObject } from './json-values.js';
import type { LineDraft } from './line-draft.js';
import type { LogRefusal } from './log-record.js';
import { parseAnyTime } from './log-time.js';

const anyTime = timePart('time', parseAnyTime);

const COMMON_KEYS: Readonly<Record<string, FieldPart>> = {
  remote_addr: nginxVariable('remote_addr'),
  client_ip: nginxVariable('remote_addr'),
  ip: nginxVariable('remote_addr'),
  http_x_forwarded_for: nginxVariable('http_x_forwarded_for'),
  time_iso8601: anyTime,
  time_local: anyTime,
  msec: anyTime,
  timestamp: anyTime,
  '@timestamp': anyTime,
  time: anyTime,
  request: nginxVariable('request'),
  request_method: nginxVariable('request_method'),
  method: nginxVariable('request_method'),
  request_uri: nginxVariable('request_uri'),
  uri: nginxVariable('uri'),
  args: nginxVariable('args'),
  query_string: nginxVariable('args'),
  status: nginxVariable('status'),
  body_bytes_sent: nginxVariable('body_bytes_sent'),
  bytes_sent: nginxVariable('bytes_sent'),
  http_referer: nginxVariable('http_referer'),
  referer: nginxVariable('http_referer'),
  referrer: nginxVariable('http_referer'),
  http_user_agent: nginxVariable('http_user_agent'),
  user_agent: nginxVariable('http_user_agent'),
  agent: nginxVariable('http_user_agent'),
  request_time: nginxVariable('request_time'),
  upstream_response_time: nginxVariable('upstream_response_time'),
  remote_user: nginxVariable('remote_user'),
  host: nginxVariable('host'),
  server_name: nginxVariable('server_name'),
};

const asWritten: Decode = (value) => value;

/** The part for a key by the names nginx JSON logs commonly use; null: keep it in extra. */
export function commonJsonKey(key: string): FieldPart | null {
  return Object.hasOwn(COMMON_KEYS, key) ? COMMON_KEYS[key]! : null;
}

/**
 * The part for a key by an `escape=json` template's own mapping (key → variable); a key the mapping does not
 * name (one whose value mixes text and variables, `"req":"$request_method $uri"`) by the common names.
 */
export function templateJsonKeys(variables: ReadonlyMap<string, string>): (key: string) => FieldPart | null {
  return (key) => {
    const variable = variables.get(key);
    if (variable === undefined) return commonJsonKey(key);
    const part = variable.startsWith('time_') || variable === 'msec' ? anyTime : nginxVariable(variable);
    return part.target === 'extra' ? null : part;
  };
}

export function fillFromFlatJson(
  object: JsonObject,
  draft: LineDraft,
  partFor: (key: string) => FieldPart | null,
): LogRefusal | null {
  for (const key in object) {
    const value = object[key];
    if (value === null || value === undefined || value === '' || value === '-') continue;
    const part = partFor(key);
    if (part === null) {
      draft.extra[key] = typeof value === 'number' || typeof value === 'string' ? value : JSON.stringify(value);
      continue;
    }
    const refusal = part.apply(typeof value === 'string' ? value : String(value), draft, asWritten);
    if (refusal !== null) return refusal;
  }
  return null;
}
