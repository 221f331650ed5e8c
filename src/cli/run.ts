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
  serve: async () => {
    const { serveCommand, SERVE_USAGE } = await import('./serve.js');
    return { run: serveCommand, usage: SERVE_USAGE };
  },
  user: async () => {
    const { userCommand, USER_USAGE } = await import('./user.js');
    return { run: userCommand, usage: USER_USAGE };
  },
  service: async () => {
    const { serviceCommand, SERVICE_USAGE } = await import('./service.js');
    return { run: serviceCommand, usage: SERVICE_USAGE };
  },
  token: async () => {
    const { tokenCommand, TOKEN_USAGE } = await import('./token.js');
    return { run: tokenCommand, usage: TOKEN_USAGE };
  },
  alert: async () => {
    const { alertCommand, ALERT_USAGE } = await import('./alert.js');
    return { run: alertCommand, usage: ALERT_USAGE };
  },
  migrate: async () => {
    const { migrateCommand, MIGRATE_USAGE } = await import('./migrate.js');
    return { run: migrateCommand, usage: MIGRATE_USAGE };
  },
  send: async () => {
    const { sendCommand, SEND_USAGE } = await import('./send.js');
    return { run: sendCommand, usage: SEND_USAGE };
  },
  loadgen: async () => {
    const { loadgenCommand, LOADGEN_USAGE } = await import('./loadgen.js');
    return { run: loadgenCommand, usage: LOADGEN_USAGE };
  },
  logs: async () => {
    const { logsCommand, LOGS_USAGE } = await import('./logs.js');
    return { run: logsCommand, usage: LOGS_USAGE };
  },
  export: async () => {
    const { exportCommand, EXPORT_USAGE } = await import('./export.js');
    return { run: exportCommand, usage: EXPORT_USAGE };
  },
  import: async () => {
    const { importCommand, IMPORT_USAGE } = await import('./import.js');
    return { run: importCommand, usage: IMPORT_USAGE };
  },
  backup: async () => {
    const { backupCommand, BACKUP_USAGE } = await import('./backup.js');
    return { run: backupCommand, usage: BACKUP_USAGE };
  },
  restore: async () => {
    const { restoreCommand, RESTORE_USAGE } = await import('./restore.js');
    return { run: restoreCommand, usage: RESTORE_USAGE };
  },
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
