/** tmon serve: the server. Prints where it listens; SIGINT/SIGTERM stop it cleanly, committing every queued event. */
import { generatePassword } from '../accounts/random.js';
import { buildApp } from '../app.js';
import { systemClock } from '../clock.js';
import { loadProcessConfig } from '../config.js';
import { createLogger } from '../log.js';
import { createRuntime } from '../runtime.js';
import { parse } from './args.js';

export const SERVE_USAGE = 'tmon serve [--port P] [--host H] [--data DIR]   (settings: see README, TMON_* variables)';

export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, { port: { type: 'string' }, host: { type: 'string' } });
  const config = loadProcessConfig({ port: values.port, host: values.host, data: values.data });
  const log = createLogger(config.logLevel);
  const runtime = await createRuntime(config, systemClock, {
    info: (message) => log.info(message),
    warn: (message) => log.warn(message),
    error: (message, error) => log.error({ err: error }, message),
  });

  const adminPassword = await runtime.accounts.ensureAdmin(config.adminPassword, generatePassword);
  if (adminPassword !== null) {
    const shown =
      config.adminPassword === null
        ? `password ${adminPassword}  (shown once: keep it)`
        : 'password from TMON_ADMIN_PASSWORD';
    process.stdout.write(`created the first account: user admin, ${shown}\n`);
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
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(
    `tmon listening on http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}  (${config.stage}, data in ${runtime.storage})\n`,
  );
}
