/**
 * Who is asking: the session cookie, or `Authorization: Bearer <token>`.
 * Routes call requireUser; it answers 401 for anyone else.
 */
import type { FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { User } from '../../store/store.js';
import { HttpError } from '../errors.js';

export const SESSION_COOKIE = 'tmon_session';

export async function currentUser(request: FastifyRequest, accounts: Accounts): Promise<User | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new HttpError('unauthorized', 'Authorization must be "Bearer <token>"');
    return accounts.userForToken(match[1]!);
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? accounts.userForSession(cookie) : null;
}

export async function requireUser(request: FastifyRequest, accounts: Accounts): Promise<User> {
  const user = await currentUser(request, accounts);
  if (!user) throw new HttpError('unauthorized', 'log in or send an API token');
  return user;
}
