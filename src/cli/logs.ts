/** tmon logs import|follow: access logs of nginx, Apache, Caddy or Traefik as a source of events. */
import { UsageError } from './args.js';
import { FOLLOW_USAGE, followCommand } from './logs/follow.js';
import { IMPORT_USAGE, importCommand } from './logs/import.js';

export const LOGS_USAGE = `${IMPORT_USAGE}
${FOLLOW_USAGE}`;

export async function logsCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  switch (action) {
    case 'import':
      return importCommand(rest);
    case 'follow':
      return followCommand(rest);
    default:
      throw new UsageError(action ? `unknown action "logs ${action}"` : 'tmon logs needs an action: import or follow');
  }
}
