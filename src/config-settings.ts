/** The settings tmon reads (config.ts loads them), each with its help line. */
/** Every setting, in a line: docs/configuration.md's table lists the same ones (test/docs/configuration-settings.test.ts). */
export const SETTINGS = {
  TMON_CONFIG: 'a file of TMON_* lines to read settings from (flag --config); variables and flags beat it',
  TMON_ENV: 'stage: testing (default), staging or production; production refuses TMON_DEBUG and insecure cookies',
  TMON_PORT: 'port to listen on (default 8000; flag --port)',
  TMON_HOST: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface; flag --host)',
  TMON_DATA_DIR: 'data directory for the SQLite database (default ./data; flag --data)',
  TMON_DATABASE_URL: 'postgres://… to store everything in PostgreSQL instead of SQLite',
  TMON_REDIS_URL: 'redis://… to carry live events between tmon processes',
  TMON_GEOIP_DB: 'path to a MaxMind GeoIP2/GeoLite2 City .mmdb to use instead of the shipped DB-IP City Lite',
  TMON_DEBUG: '1 to commit every event on its own and put exception messages in error answers',
  TMON_ANONYMIZE_IP: '1 to store IPs truncated (IPv4 /24, IPv6 /48) after geolocation',
  TMON_RETENTION_DAYS:
    'delete raw events older than this many days, and on SQLite the user agents only they referred to; rollups stay (default 0: keep forever)',
  TMON_TRUST_PROXY: 'trust X-Forwarded-* from: 1/true (any), a hop count, or comma-separated addresses/CIDRs',
  TMON_COOKIE_SECURE: 'session cookie Secure flag: auto (when the request is https, default), always, never',
  TMON_ADMIN_PASSWORD: 'password of the admin account created on first start (default: random, printed once)',
  TMON_SECRET_GRACE_HOURS: 'hours a rotated-out secret stays valid (default 24)',
  TMON_SESSION_DAYS: 'days a login session lasts (default 14)',
  TMON_SQLITE_SYNC: 'normal (default: survives a crash of tmon) or full (also survives power loss, slower)',
  TMON_SQLITE_WRITER:
    "where the server's SQLite writer runs: auto (default: a thread of its own when tmon may use 2 or more cores, else the HTTP thread), thread or inline",
  TMON_LOG_LEVEL: 'fatal, error, warn, info (default), debug, trace or silent',
  TMON_HEAD_TIMEOUT:
    'seconds a connection has to send a whole request head, from its first byte or the previous answer (default 10)',
  TMON_BODY_TIMEOUT: "seconds a request's body has to arrive once its head has (default 30)",
  TMON_KEEPALIVE_TIMEOUT: 'seconds an idle kept-alive connection stays open (default 72)',
  TMON_MAX_CONNECTIONS: 'open connections at most; beyond it new ones are closed at once (default 10000)',
  TMON_MAX_STREAMS_PER_USER: 'live streams one user may hold open on each process; beyond, 429 (default 20)',
  TMON_MAX_STREAMS: 'live streams one process holds open at most, all users together; beyond, 429 (default 1000)',
  TMON_MAX_SERVICES_PER_USER: 'services a non-admin user may own; admins are not capped (default 100)',
  TMON_ALERT_PRIVATE_TARGETS:
    '1 to let alert webhooks go to loopback, private, link-local, CGNAT, unique-local, multicast and cloud metadata addresses (refused by default)',
  TMON_SMTP_URL: 'smtp://… or smtps://… (with user:password@ if the server asks) to send alert e-mails through',
  TMON_SMTP_FROM: 'the From address of alert e-mails (needed with TMON_SMTP_URL)',
  TMON_ALERT_INTERVAL_SECONDS: 'seconds between two evaluations of the alert rules (default 10, 1 to 3600)',
  TMON_PUBLIC_URL:
    'the http(s) URL users open tmon at (https://tmon.example.com, or with a path: https://example.com/tmon), for dashboard links in alert notifications (default: none, no links)',
} as const;
