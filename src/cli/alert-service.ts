/** The SERVICE argument of `tmon alert`: a service's id, or its name. */
import type { AccountStore } from '../store/account-store.js';
import type { Service } from '../store/store.js';
import { CommandFailed, UsageError } from './args.js';

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
