/**
 * What the admin page tells a user to add to their web server and run, to
 * send its access log to tmon: the log format line (the usual "combined"
 * layout plus the request's duration, and the X-Forwarded-For header when a
 * proxy stands in front), the line that writes the log with it, and the
 * `tmon logs follow` command whose --format is that same format, so pasting
 * both works. test/logs/admin-formats.test.ts compiles every string here with
 * tmon's own log parser; docs/access-logs.md shows the same lines.
 */

export type WebServer = 'nginx' | 'apache';

/** nginx's `combined` with $request_time (seconds, ms resolution): the dashboard's response times */
export const NGINX_FORMAT =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';
/** the same, plus the client address a proxy in front passes on (read with --forwarded-for) */
export const NGINX_FORMAT_BEHIND_PROXY = `${NGINX_FORMAT} "$http_x_forwarded_for"`;

/** Apache's `combined` with %D (microseconds) */
export const APACHE_FORMAT = '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i" %D';
export const APACHE_FORMAT_BEHIND_PROXY = `${APACHE_FORMAT} "%{X-Forwarded-For}i"`;

/** the name the format is given in the web server's configuration */
export const FORMAT_NAME = 'tmon';

export interface AccessLogSetup {
  /** the value of --format */
  format: string;
  /** the lines to add to the web server's configuration, in that order */
  configLines: string[];
  /** where the distribution's package writes the log */
  logPath: string;
  /** where the lines go, for the reader */
  configPlace: string;
  /** how the web server takes the new configuration */
  reload: string;
}

export function accessLogSetup(server: WebServer, behindProxy: boolean): AccessLogSetup {
  if (server === 'nginx') {
    const format = behindProxy ? NGINX_FORMAT_BEHIND_PROXY : NGINX_FORMAT;
    const logPath = '/var/log/nginx/access.log';
    return {
      format,
      // single quotes: nginx keeps the format's double quotes as they are
      configLines: [`log_format ${FORMAT_NAME} '${format}';`, `access_log ${logPath} ${FORMAT_NAME};`],
      logPath,
      reload: 'nginx -t && systemctl reload nginx',
      configPlace: 'in the http block of /etc/nginx/nginx.conf, the access_log line in place of the one there',
    };
  }
  const format = behindProxy ? APACHE_FORMAT_BEHIND_PROXY : APACHE_FORMAT;
  return {
    format,
    configLines: [
      `LogFormat "${format.replaceAll('"', '\\"')}" ${FORMAT_NAME}`,
      `CustomLog \${APACHE_LOG_DIR}/access.log ${FORMAT_NAME}`,
    ],
    logPath: '/var/log/apache2/access.log',
    reload: 'apachectl configtest && systemctl reload apache2',
    configPlace: 'LogFormat in /etc/apache2/apache2.conf, CustomLog in place of your site’s own (sites-available/)',
  };
}

export interface FollowCommandInput {
  setup: AccessLogSetup;
  behindProxy: boolean;
  /** this tmon's address as the browser reached it */
  server: string;
  token: string;
}

/** One shell line; the format goes in single quotes, which it never contains. */
export function followCommand({ setup, behindProxy, server, token }: FollowCommandInput): string {
  const words = [
    'tmon logs follow',
    setup.logPath,
    `--server ${server}`,
    `--token ${token}`,
    `--format '${setup.format}'`,
  ];
  if (behindProxy) words.push('--forwarded-for');
  return words.join(' ');
}
