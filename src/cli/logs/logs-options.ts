/**
 * The options `tmon logs import` and `tmon logs follow` share: where tmon is
 * (--server, else TMON_SERVER), the ingest token (--token, else TMON_TOKEN),
 * how the lines are written (--format) and whose address counts as the
 * client's (--forwarded-for).
 */
import { compileLogFormat, DEFAULT_FORMAT } from '../../logs/formats.js';
import { type LineParser, LogFormatError } from '../../logs/log-record.js';
import { UsageError } from '../args.js';
import { type SenderEnvironment, senderEnvironment } from '../sender-environment.js';
import { DEFAULT_SERVER } from '../sender-options.js';

export const LOGS_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  format: { type: 'string' },
  'forwarded-for': { type: 'boolean' },
} as const;

export interface LogsTarget {
  /** tmon's address, without a trailing slash */
  server: string;
  token: string;
}

export function logsTarget(
  values: { server?: string | boolean; token?: string | boolean },
  environment: SenderEnvironment = senderEnvironment(),
): LogsTarget {
  const fromFlag = typeof values.server === 'string';
  const server = fromFlag ? (values.server as string) : (environment.server ?? DEFAULT_SERVER);
  if (!URL.canParse(server) || !/^https?:$/.test(new URL(server).protocol)) {
    const name = fromFlag || environment.server === undefined ? '--server' : 'TMON_SERVER';
    throw new UsageError(`${name} must be an http(s) URL such as ${DEFAULT_SERVER}, got "${server}"`);
  }
  const token = typeof values.token === 'string' && values.token !== '' ? values.token : environment.token;
  if (token === undefined) {
    throw new UsageError(
      'an ingest token is needed: --token T or TMON_TOKEN (make one with: tmon token add --user NAME --scope ingest --service ID)',
    );
  }
  return { server: server.replace(/\/+$/, ''), token };
}

/** The line parser for --format and --forwarded-for; a format tmon cannot read is a wrong call, said before any line is read. */
export function logLineParser(values: { format?: string | boolean; 'forwarded-for'?: string | boolean }): LineParser {
  const format = typeof values.format === 'string' ? values.format : DEFAULT_FORMAT;
  try {
    return compileLogFormat(format, { clientFromForwardedFor: values['forwarded-for'] === true });
  } catch (error) {
    if (error instanceof LogFormatError) throw new UsageError(`--format: ${error.message}`);
    throw error;
  }
}
