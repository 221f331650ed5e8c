/** tmon logs follow: sends the lines appended to access logs as they are written. */
import { CommandFailed } from '../args.js';

export const FOLLOW_USAGE = `tmon logs follow FILE… [--server URL] [--token T] [--format F] [--forwarded-for] [--state FILE] [--spool DIR]
    sends each line appended to the access logs FILE… as an event, surviving log rotation and restarts`;

export async function followCommand(_argv: string[]): Promise<void> {
  throw new CommandFailed('tmon logs follow is not available yet');
}
