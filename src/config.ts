/**
 * The only reader of the environment. Settings come from flags, then `TMON_*`
 * variables, then the config file (`--config FILE`, config-file.ts), then
 * defaults; every invalid setting is reported at once and the result is
 * frozen. The rest of tmon receives a Config and never looks at process.env.
 */
import path from 'node:path';
import { type ConfigFile, configFileExposure, readConfigFile } from './config-file.js';
import { SETTINGS } from './config-settings.js';

export type Stage = 'testing' | 'staging' | 'production';
export type CookieSecurity = 'auto' | 'always' | 'never';
export type SqliteWriterSetting = 'auto' | 'thread' | 'inline';

export interface Config {
  readonly stage: Stage;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | null;
  readonly redisUrl: string | null;
  readonly geoipDb: string | null;
  readonly debug: boolean;
  readonly anonymizeIp: boolean;
  /** raw events older than this many days are deleted; 0 keeps them forever */
  readonly retentionDays: number;
  /** as fastify's trustProxy: false, true, a hop count, or a list of addresses/CIDRs */
  readonly trustProxy: boolean | number | string;
  readonly cookieSecurity: CookieSecurity;
  readonly adminPassword: string | null;
  readonly secretGraceHours: number;
  readonly sessionDays: number;
  readonly sqliteSynchronous: 'normal' | 'full';
  /** where the server's SQLite writer runs: auto decides by the cores tmon may use (store/sqlite-writer-place.ts) */
  readonly sqliteWriter: SqliteWriterSetting;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** seconds a connection has to send a whole request head (docs/security.md, Limits) */
  readonly headTimeoutSeconds: number;
  /** seconds a request's body has to arrive once its head has */
  readonly bodyTimeoutSeconds: number;
  /** seconds an idle kept-alive connection stays open */
  readonly keepAliveTimeoutSeconds: number;
  /** open connections at most; more are closed as they are accepted */
  readonly maxConnections: number;
  /** live streams (GET /$wsid/live) one user may hold open on this process; more answer 429 */
  readonly maxStreamsPerUser: number;
  /** live streams this process holds open at most, all users together; more answer 429 */
  readonly maxStreams: number;
  /** services a non-admin user may own; admins own any number */
  readonly maxServicesPerUser: number;
  /** alert webhooks may go to loopback, private, link-local and metadata addresses (refused by default) */
  readonly alertPrivateTargets: boolean;
  /** smtp:// or smtps:// with credentials, for e-mail alert channels; null: e-mail channels cannot deliver */
  readonly smtpUrl: string | null;
  /** the From of alert e-mails */
  readonly smtpFrom: string | null;
  /** seconds between two evaluations of the alert rules */
  readonly alertIntervalSeconds: number;
  /** the http(s) URL users open tmon at, without a trailing slash, for links in alert notifications; null: no links */
  readonly publicUrl: string | null;
}

/** Flags given on the command line, already split by the CLI. */
export interface ConfigFlags {
  port?: string;
  host?: string;
  data?: string;
  /** --config FILE: a file of TMON_* lines (config-file.ts) */
  config?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export { SETTINGS };

type Env = Record<string, string | undefined>;
type SettingName = keyof typeof SETTINGS;

/** what a config file may set: everything but the name of the file itself */
const FILE_SETTINGS: ReadonlySet<string> = new Set(Object.keys(SETTINGS).filter((name) => name !== 'TMON_CONFIG'));

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads every setting: flags beat the environment, which beats the config file
 * (`file`, already read), which beats the defaults. Throws ConfigError naming
 * every problem at once, the file's own among them.
 */
export function loadConfig(flags: ConfigFlags, env: Env, cwd: string, file?: ConfigFile): Config {
  const problems: string[] = [...(file?.problems ?? [])];

  // an empty variable counts as unset (as it always has), so it does not hide the file's value
  const fromEnv = (name: SettingName): boolean => env[name] !== undefined && env[name] !== '';
  const read = (name: SettingName): string | undefined =>
    fromEnv(name) ? env[name] : (file?.values[name] ?? env[name]);
  /** where a bad value came from, when it is the file: the operator edits that line */
  const origin = (name: SettingName): string =>
    !fromEnv(name) && file?.lines[name] !== undefined ? ` (${file.path} line ${file.lines[name]})` : '';

  const pick = (flag: string | undefined, name: SettingName): string | undefined => {
    if (flag !== undefined) return flag;
    const raw = read(name);
    return raw === '' ? undefined : raw;
  };

  const integer = (
    raw: string | undefined,
    name: SettingName,
    fallback: number,
    min: number,
    max: number,
    label: string = name,
  ): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      problems.push(`${label} must be an integer from ${min} to ${max}, got "${raw}"${origin(name)}`);
      return fallback;
    }
    return value;
  };

  const flag = (name: SettingName): boolean => {
    const raw = read(name);
    if (raw === undefined) return false;
    const lower = raw.trim().toLowerCase();
    if (TRUE.has(lower)) return true;
    if (!FALSE.has(lower))
      problems.push(`${name} must be 1/true/yes/on or 0/false/no/off, got "${raw}"${origin(name)}`);
    return false;
  };

  const oneOf = <T extends string>(name: SettingName, allowed: readonly T[], fallback: T): T => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"${origin(name)}`);
    return fallback;
  };

  const stage = oneOf('TMON_ENV', ['testing', 'staging', 'production'] as const, 'testing');
  const port = integer(pick(flags.port, 'TMON_PORT'), 'TMON_PORT', 8000, 0, 65535, '--port/TMON_PORT');
  const host = pick(flags.host, 'TMON_HOST') ?? '127.0.0.1';
  const dataDir = path.resolve(cwd, pick(flags.data, 'TMON_DATA_DIR') ?? 'data');

  const databaseUrl = read('TMON_DATABASE_URL') || null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(
      `TMON_DATABASE_URL must start with postgres:// or postgresql://, got "${redact(databaseUrl)}"${origin('TMON_DATABASE_URL')}`,
    );
  }
  const redisUrl = read('TMON_REDIS_URL') || null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push(
      `TMON_REDIS_URL must start with redis:// or rediss://, got "${redact(redisUrl)}"${origin('TMON_REDIS_URL')}`,
    );
  }

  const debug = flag('TMON_DEBUG');
  const cookieSecurity = oneOf('TMON_COOKIE_SECURE', ['auto', 'always', 'never'] as const, 'auto');
  if (stage === 'production') {
    if (debug) problems.push('TMON_DEBUG is refused when TMON_ENV=production: it leaks exception messages to senders');
    if (cookieSecurity === 'never') problems.push('TMON_COOKIE_SECURE=never is refused when TMON_ENV=production');
  }
  const geoipDb = read('TMON_GEOIP_DB');
  const smtpUrl = read('TMON_SMTP_URL') || null;
  if (smtpUrl !== null && !/^smtps?:\/\//.test(smtpUrl)) {
    problems.push(
      `TMON_SMTP_URL must start with smtp:// or smtps://, got "${redact(smtpUrl)}"${origin('TMON_SMTP_URL')}`,
    );
  }
  const smtpFrom = read('TMON_SMTP_FROM')?.trim() || null;
  if (smtpFrom !== null && !/^[^\s@<>]+@[^\s@<>]+$|^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/.test(smtpFrom)) {
    problems.push(
      `TMON_SMTP_FROM must be an address (alerts@example.com, or "tmon <alerts@example.com>"), got "${smtpFrom}"${origin('TMON_SMTP_FROM')}`,
    );
  }
  if (smtpUrl !== null && smtpFrom === null)
    problems.push('TMON_SMTP_FROM is needed with TMON_SMTP_URL: the From of alert e-mails');

  const config: Config = Object.freeze({
    stage,
    port,
    host,
    dataDir,
    databaseUrl,
    redisUrl,
    geoipDb: geoipDb ? path.resolve(cwd, geoipDb) : null,
    debug,
    anonymizeIp: flag('TMON_ANONYMIZE_IP'),
    retentionDays: integer(read('TMON_RETENTION_DAYS'), 'TMON_RETENTION_DAYS', 0, 0, 36500),
    trustProxy: parseTrustProxy(read('TMON_TRUST_PROXY'), problems),
    // production always sends Secure cookies: it is meant to sit behind https
    cookieSecurity: stage === 'production' && cookieSecurity === 'auto' ? 'always' : cookieSecurity,
    adminPassword: read('TMON_ADMIN_PASSWORD') || null,
    secretGraceHours: integer(read('TMON_SECRET_GRACE_HOURS'), 'TMON_SECRET_GRACE_HOURS', 24, 0, 24 * 365),
    sessionDays: integer(read('TMON_SESSION_DAYS'), 'TMON_SESSION_DAYS', 14, 1, 365),
    sqliteSynchronous: oneOf('TMON_SQLITE_SYNC', ['normal', 'full'] as const, 'normal'),
    sqliteWriter: oneOf('TMON_SQLITE_WRITER', ['auto', 'thread', 'inline'] as const, 'auto'),
    logLevel: oneOf('TMON_LOG_LEVEL', LOG_LEVELS, 'info'),
    // no 0 for "never": a connection without deadlines is how slow senders held every descriptor
    headTimeoutSeconds: integer(read('TMON_HEAD_TIMEOUT'), 'TMON_HEAD_TIMEOUT', 10, 1, 3600),
    bodyTimeoutSeconds: integer(read('TMON_BODY_TIMEOUT'), 'TMON_BODY_TIMEOUT', 30, 1, 3600),
    keepAliveTimeoutSeconds: integer(read('TMON_KEEPALIVE_TIMEOUT'), 'TMON_KEEPALIVE_TIMEOUT', 72, 1, 3600),
    maxConnections: integer(read('TMON_MAX_CONNECTIONS'), 'TMON_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    // each open stream costs a socket and a write per frame: one token holding thousands slowed collect's p99 ~57×
    maxStreamsPerUser: integer(read('TMON_MAX_STREAMS_PER_USER'), 'TMON_MAX_STREAMS_PER_USER', 20, 1, 1_000_000),
    maxStreams: integer(read('TMON_MAX_STREAMS'), 'TMON_MAX_STREAMS', 1000, 1, 1_000_000),
    // each service is rows, rollups and a secret to keep: one user made 5,000 in 2.4 s
    maxServicesPerUser: integer(read('TMON_MAX_SERVICES_PER_USER'), 'TMON_MAX_SERVICES_PER_USER', 100, 1, 1_000_000),
    alertPrivateTargets: flag('TMON_ALERT_PRIVATE_TARGETS'),
    smtpUrl,
    smtpFrom,
    alertIntervalSeconds: integer(read('TMON_ALERT_INTERVAL_SECONDS'), 'TMON_ALERT_INTERVAL_SECONDS', 10, 1, 3600),
    publicUrl: parsePublicUrl(read('TMON_PUBLIC_URL'), problems),
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return config;

  function parseTrustProxy(raw: string | undefined, out: string[]): boolean | number | string {
    if (raw === undefined || FALSE.has(raw.trim().toLowerCase())) return false;
    const lower = raw.trim().toLowerCase();
    if (lower === 'true' || lower === 'yes' || lower === 'on') return true;
    if (/^\d+$/.test(lower)) return Number(lower) === 1 ? true : Number(lower);
    if (/^[0-9a-f.:/,\s]+$/i.test(lower)) return raw.trim();
    out.push(
      `TMON_TRUST_PROXY must be true, a hop count or comma-separated addresses/CIDRs, got "${raw}"${origin('TMON_TRUST_PROXY')}`,
    );
    return false;
  }

  /** the URL links start with: origin and path, no trailing slash (a dashboard link adds /view/dashboard/<id>) */
  function parsePublicUrl(raw: string | undefined, out: string[]): string | null {
    const value = raw?.trim() ?? '';
    if (value === '') return null;
    const refuse = (why: string): null => {
      out.push(`TMON_PUBLIC_URL ${why}, got "${hideUserInfo(value)}"${origin('TMON_PUBLIC_URL')}`);
      return null;
    };
    if (!URL.canParse(value)) return refuse('must be a whole URL such as https://tmon.example.com');
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse('must start with http:// or https://');
    // every notification carries the link: credentials in it would reach every channel
    if (url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/?#]*@/i.test(value))
      return refuse('must not hold user:password@');
    // a bare "?" or "#" leaves search and hash empty: the text says whether one was given
    if (/[?#]/.test(value)) return refuse('must have no query (?…) or fragment (#…): links add a path to it');
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** redact() for any URL-like text, "https:user:pw@host" and "user:pw@host" too: what precedes an @ before the path */
function hideUserInfo(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:(?:\/\/)?)?[^/?#]*@/i, '$1***@');
}

/**
 * The process's own settings: its flags, its environment, its config file
 * (--config or TMON_CONFIG), its working directory. A config file others may
 * read is a warning, not an error: tmon still starts, and says how to fix it.
 */
export function loadProcessConfig(
  flags: ConfigFlags,
  warn: (message: string) => void = (message) => process.stderr.write(`tmon: warning: ${message}\n`),
): Config {
  const filePath = flags.config ?? (process.env.TMON_CONFIG || undefined);
  let file: ConfigFile | undefined;
  if (filePath !== undefined) {
    const resolved = path.resolve(process.cwd(), filePath);
    file = readConfigFile(resolved, FILE_SETTINGS);
    const exposure = configFileExposure(resolved);
    if (exposure !== null) warn(exposure);
  }
  return loadConfig(flags, process.env, process.cwd(), file);
}

/** the settings a config file may set, for config-file.ts's parser (tests parse text with it) */
export function configFileSettings(): ReadonlySet<string> {
  return FILE_SETTINGS;
}
