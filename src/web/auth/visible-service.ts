import type { FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { Service } from '../../store/store.js';
import { HttpError } from '../errors.js';
import { requireUser } from './current-user.js';

/** The service if the caller may see it; 404 exactly as for one that does not exist (SPEC §2). */
export async function visibleService(request: FastifyRequest, accounts: Accounts, wsid: number): Promise<Service> {
  const user = await requireUser(request, accounts);
  const service = await accounts.visibleService(user, wsid);
  if (!service) throw new HttpError('not_found', `no service with wsid ${wsid}`);
  return service;
}
