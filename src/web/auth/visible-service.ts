import type { FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import { boundService, type Caller, type Need } from '../../accounts/caller.js';
import type { Service } from '../../store/store.js';
import { HttpError } from '../errors.js';
import { requireCaller } from './current-user.js';

/**
 * The service if the caller may see it; 404 exactly as for one that does not
 * exist, also for a token bound to another service (docs/security.md).
 */
export async function visibleServiceFor(caller: Caller, accounts: Accounts, wsid: number): Promise<Service | null> {
  const bound = boundService(caller);
  if (bound !== null && bound !== wsid) return null;
  return accounts.visibleService(caller.user, wsid);
}

export async function requireVisibleService(
  request: FastifyRequest,
  accounts: Accounts,
  wsid: number,
  need: Need = 'read',
): Promise<{ caller: Caller; service: Service }> {
  const caller = await requireCaller(request, accounts, need);
  const service = await visibleServiceFor(caller, accounts, wsid);
  if (!service) throw new HttpError('not_found', `no service with wsid ${wsid}`);
  return { caller, service };
}
