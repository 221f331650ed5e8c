/** tmon logs import: sends the lines of access logs to tmon as events. */
import { CommandFailed } from '../args.js';

export const IMPORT_USAGE = `tmon logs import FILE… [--server URL] [--token T] [--format F] [--forwarded-for]
    sends every line of the access logs FILE… (plain, .gz, or - for stdin) as an event, oldest file first`;

export async function importCommand(_argv: string[]): Promise<void> {
  throw new CommandFailed('tmon logs import is not available yet');
}
