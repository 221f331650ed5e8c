/** What `tmon alert` and `tmon alert channel` share: the SERVICE argument, and the channels of the store. */
import { type AlertChannels, createAlertChannels } from '../alerts/delivery/alert-channels.js';
import { systemClock } from '../clock.js';
import type { AccountStore } from '../store/account-store.js';
import type { Service } from '../store/store.js';
import { CommandFailed, UsageError } from './args.js';
import type { CliContext } from './context.js';

/** The SERVICE argument: a service's id, or its name. */
export async function requireServiceArgument(
  store: Pick<AccountStore, 'findServiceById' | 'findServiceByName'>,
  argument: string | undefined,
): Promise<Service> {
  if (argument === undefined || argument === '') throw new UsageError('name the service (its name or id)');
  const service = /^[1-9]\d*$/.test(argument)
    ? await store.findServiceById(Number(argument))
    : await store.findServiceByName(argument);
  if (service === null) throw new CommandFailed(`no service "${argument}" (tmon service list shows them)`);
  return service;
}

/**
 * The alert channels of the command's store. The delivery worker runs in the
 * server and finds a delivery made here on its next poll; a notification
 * made here (a test) links with this command's TMON_PUBLIC_URL, not the server's.
 */
export function cliAlertChannels(context: CliContext): AlertChannels {
  return createAlertChannels({
    store: context.alertChannels,
    services: context.accountStore,
    clock: systemClock,
    wake: () => {},
    publicUrl: context.config.publicUrl,
  });
}
