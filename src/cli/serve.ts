/** tmon serve: the server. Prints where it listens; SIGINT/SIGTERM stop it cleanly, committing every queued event. */
import { generatePassword } from '../accounts/random.js';
import { buildApp } from '../app.js';
import { systemClock } from '../clock.js';
import { type Config, loadProcessConfig } from '../config.js';
import { createLogger } from '../log.js';
import { createRuntime } from '../runtime.js';
import { CommandFailed, parse } from './args.js';
import { describeDataDirectoryError, describeListenError } from './start-up-errors.js';

export const SERVE_USAGE =
  'tmon serve [--port P] [--host H] [--data DIR] [--config FILE]   (settings: docs/configuration.md, TMON_* variables)';

export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, { port: { type: 'string' }, host: { type: 'string' }, config: { type: 'string' } });
  // the config file's warnings go to the log, which needs the log level the file may set
  const warnings: string[] = [];
  let config: Config;
  try {
    config = loadProcessConfig(
      { port: values.port, host: values.host, data: values.data, config: values.config },
      (message) => warnings.push(message),
    );
  } catch (error) {
    for (const warning of warnings) process.stderr.write(`tmon serve: warning: ${warning}\n`);
    throw error;
  }
  const log = createLogger(config.logLevel);
  for (const warning of warnings) log.warn(warning);
  /** a known start-up failure becomes its one line; the stack too only with TMON_DEBUG */
  const failure = (error: unknown, line: string | null): unknown => {
    if (line === null) return error;
    if (config.debug) process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    return new CommandFailed(line);
  };

  let runtime: Awaited<ReturnType<typeof createRuntime>>;
  try {
    runtime = await createRuntime(config, systemClock, {
      info: (message) => log.info(message),
      warn: (message) => log.warn(message),
      error: (message, error) => log.error({ err: error }, message),
    });
  } catch (error) {
    throw failure(error, config.databaseUrl === null ? describeDataDirectoryError(error, config.dataDir) : null);
  }

  const app = await buildApp({ ...runtime, logger: log });
  // handlers first: a SIGTERM that arrives right after start-up must still stop cleanly
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping, committing queued events`);
    try {
      await app.close();
      await runtime.close();
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'clean stop failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await runtime.close();
    throw failure(error, describeListenError(error, config.host, config.port));
  }
  // only once listening: a start that fails (a busy port) must not create the admin and print a password for nothing
  let adminPassword: string | null;
  try {
    adminPassword = await runtime.accounts.ensureAdmin(config.adminPassword, generatePassword);
  } catch (error) {
    await app.close();
    await runtime.close();
    throw error;
  }
  if (adminPassword !== null) {
    const shown =
      config.adminPassword === null
        ? `password ${adminPassword}  (shown once: keep it)`
        : 'password from TMON_ADMIN_PASSWORD';
    process.stdout.write(`created the first account: user admin, ${shown}\n`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(
    `tmon listening on http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}  (${config.stage}, data in ${runtime.storage})\n`,
  );
}
