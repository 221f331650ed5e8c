/**
 * Who is asking: the session cookie, or `Authorization: Bearer <token>`.
 * Routes call requireCaller with what they need (`read` or `admin`): anyone
 * else gets 401, a token whose scope does not reach that far 403.
 */
import type { FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import { type Caller, type Need, scopeAllows } from '../../accounts/caller.js';
import { HttpError } from '../errors.js';

export const SESSION_COOKIE = 'tmon_session';

export async function currentCaller(request: FastifyRequest, accounts: Accounts): Promise<Caller | null> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new HttpError('unauthorized', 'Authorization must be "Bearer <token>"');
    return accounts.callerForToken(match[1]!);
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? accounts.callerForSession(cookie) : null;
}

export async function requireCaller(request: FastifyRequest, accounts: Accounts, need: Need): Promise<Caller> {
  const caller = await currentCaller(request, accounts);
  if (!caller) throw new HttpError('unauthorized', 'log in or send an API token (it may have expired or been revoked)');
  if (!scopeAllows(caller, need)) {
    const { credential } = caller;
    const scope = credential.kind === 'token' ? credential.token.scope : 'session';
    throw new HttpError(
      'forbidden',
      scope === 'ingest'
        ? 'this token has scope ingest: it may only send events (POST /data/collect)'
        : `this token has scope ${scope}: this needs an admin token or a login`,
    );
  }
  return caller;
}
