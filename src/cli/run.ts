/** Dispatches argv to a subcommand and turns its errors into messages and exit codes. */
import { AccountError } from '../accounts/accounts.js';
import { ConfigError } from '../config.js';
import { packageVersion } from '../package-version.js';
import { StoreConflictError, StoreNotFoundError } from '../store/errors.js';
import { NewerSchemaError } from '../store/schema-version.js';
import { CommandFailed, UsageError } from './args.js';

interface Command {
  run: (argv: string[]) => Promise<void>;
  usage: string;
}

/**
 * Each command's code is loaded when it is the one run: all of them at once
 * (the server, the stores, fastify…) took 0.6 s of CPU before `tmon logs
 * import` read its first line.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: () => import('./serve.js').then((m) => ({ run: m.serveCommand, usage: m.SERVE_USAGE })),
  user: () => import('./user.js').then((m) => ({ run: m.userCommand, usage: m.USER_USAGE })),
  service: () => import('./service.js').then((m) => ({ run: m.serviceCommand, usage: m.SERVICE_USAGE })),
  token: () => import('./token.js').then((m) => ({ run: m.tokenCommand, usage: m.TOKEN_USAGE })),
  alert: () => import('./alert.js').then((m) => ({ run: m.alertCommand, usage: m.ALERT_USAGE })),
  migrate: () => import('./migrate.js').then((m) => ({ run: m.migrateCommand, usage: m.MIGRATE_USAGE })),
  send: () => import('./send.js').then((m) => ({ run: m.sendCommand, usage: m.SEND_USAGE })),
  loadgen: () => import('./loadgen.js').then((m) => ({ run: m.loadgenCommand, usage: m.LOADGEN_USAGE })),
  logs: () => import('./logs.js').then((m) => ({ run: m.logsCommand, usage: m.LOGS_USAGE })),
  export: () => import('./export.js').then((m) => ({ run: m.exportCommand, usage: m.EXPORT_USAGE })),
  import: () => import('./import.js').then((m) => ({ run: m.importCommand, usage: m.IMPORT_USAGE })),
  backup: () => import('./backup.js').then((m) => ({ run: m.backupCommand, usage: m.BACKUP_USAGE })),
  restore: () => import('./restore.js').then((m) => ({ run: m.restoreCommand, usage: m.RESTORE_USAGE })),
};

async function usage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return `tmon — realtime traffic monitor for web services

${commands.map((c) => c.usage).join('\n\n')}
`;
}

/** Returns the exit code: 0 done, 1 failed, 2 called wrongly. */
export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (name === 'help' && rest[0] !== undefined) return printCommandUsage(rest[0]);
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(await usage());
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    process.stderr.write(`tmon: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`tmon ${name}: ${error.message}\n\nusage:\n${command.usage}\n`);
      return 2;
    }
    if (
      error instanceof CommandFailed ||
      error instanceof ConfigError ||
      error instanceof AccountError ||
      error instanceof StoreConflictError ||
      error instanceof StoreNotFoundError ||
      error instanceof NewerSchemaError ||
      // from the server's store thread it arrives as a plain Error that keeps its name (worker-store.ts)
      (error as Error | null)?.name === 'NewerSchemaError'
    ) {
      process.stderr.write(`tmon ${name}: ${(error as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`tmon ${name}: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

/** `tmon help <command>`: that command's usage; an unknown command is a wrong call (2), answered with the list. */
async function printCommandUsage(name: string): Promise<number> {
  // own keys only: `help constructor` must not find Object's prototype
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    process.stderr.write(`tmon help: unknown command "${name}"; the commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  process.stdout.write(`${(await load()).usage}\n`);
  return 0;
}
