/** Dispatches argv to a subcommand and turns its errors into messages and exit codes. */
import { AccountError } from '../accounts/accounts.js';
import { ConfigError } from '../config.js';
import { packageVersion } from '../package-version.js';
import { StoreConflictError, StoreNotFoundError } from '../store/errors.js';
import { NewerSchemaError } from '../store/schema-version.js';
import { ALERT_USAGE, alertCommand } from './alert.js';
import { CommandFailed, UsageError } from './args.js';
import { BACKUP_USAGE, backupCommand } from './backup.js';
import { EXPORT_USAGE, exportCommand } from './export.js';
import { IMPORT_USAGE, importCommand } from './import.js';
import { LOADGEN_USAGE, loadgenCommand } from './loadgen.js';
import { LOGS_USAGE, logsCommand } from './logs.js';
import { MIGRATE_USAGE, migrateCommand } from './migrate.js';
import { RESTORE_USAGE, restoreCommand } from './restore.js';
import { SEND_USAGE, sendCommand } from './send.js';
import { SERVE_USAGE, serveCommand } from './serve.js';
import { SERVICE_USAGE, serviceCommand } from './service.js';
import { TOKEN_USAGE, tokenCommand } from './token.js';
import { USER_USAGE, userCommand } from './user.js';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<void>; usage: string }> = {
  serve: { run: serveCommand, usage: SERVE_USAGE },
  user: { run: userCommand, usage: USER_USAGE },
  service: { run: serviceCommand, usage: SERVICE_USAGE },
  token: { run: tokenCommand, usage: TOKEN_USAGE },
  alert: { run: alertCommand, usage: ALERT_USAGE },
  migrate: { run: migrateCommand, usage: MIGRATE_USAGE },
  send: { run: sendCommand, usage: SEND_USAGE },
  loadgen: { run: loadgenCommand, usage: LOADGEN_USAGE },
  logs: { run: logsCommand, usage: LOGS_USAGE },
  export: { run: exportCommand, usage: EXPORT_USAGE },
  import: { run: importCommand, usage: IMPORT_USAGE },
  backup: { run: backupCommand, usage: BACKUP_USAGE },
  restore: { run: restoreCommand, usage: RESTORE_USAGE },
};

const USAGE = `tmon — realtime traffic monitor for web services

${Object.values(COMMANDS)
  .map((c) => c.usage)
  .join('\n\n')}
`;

/** Returns the exit code: 0 done, 1 failed, 2 called wrongly. */
export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (name === 'help' && rest[0] !== undefined) return printCommandUsage(rest[0]);
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`tmon: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
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
function printCommandUsage(name: string): number {
  // own keys only: `help constructor` must not find Object's prototype
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`tmon help: unknown command "${name}"; the commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  process.stdout.write(`${command.usage}\n`);
  return 0;
}
