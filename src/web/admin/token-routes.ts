/**
 * API tokens: GET/POST /api/tokens, DELETE /api/tokens/:id. A user sees and
 * revokes their own tokens, an admin everyone's; making or revoking one needs
 * a session or an admin token (a read token cannot mint a stronger one). The
 * token itself is answered once, on creation.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { AccountStore } from '../../store/account-store.js';
import { described } from '../answer-schemas.js';
import { requireCsrfToken } from '../auth/csrf.js';
import { requireCaller } from '../auth/current-user.js';
import { HttpError } from '../errors.js';
import { NewTokenAnswer, RevokedAnswer, TokensAnswer } from './answers.js';
import { presentToken } from './present.js';
import { IdParams, NewToken, TokenQuery } from './schemas.js';

export interface TokenRouteDeps {
  store: AccountStore;
  accounts: Accounts;
}

export async function tokenRoutes(fastify: FastifyInstance, { store, accounts }: TokenRouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('preHandler', requireCsrfToken);
  const userNames = async () => new Map((await store.listUsers()).map((u) => [u.id, u.name]));

  const listSchema = {
    ...described('tokens', 'Your tokens (an admin: everyone’s, or one user’s with ?user=)', { 200: TokensAnswer }),
    querystring: TokenQuery,
  };
  app.get('/api/tokens', { schema: listSchema }, async (request) => {
    const { user } = await requireCaller(request, accounts, 'admin');
    let owner: number | null = user.id;
    if (request.query.user !== undefined) {
      const named = await store.findUserByName(request.query.user);
      if (!named || (!user.admin && named.id !== user.id)) {
        throw new HttpError('not_found', `no user named "${request.query.user}"`);
      }
      owner = named.id;
    } else if (user.admin) {
      owner = null;
    }
    const names = await userNames();
    return { status: 200 as const, results: (await accounts.listTokens(owner)).map((t) => presentToken(t, names)) };
  });

  const createSchema = {
    ...described('tokens', 'Create a token (needs a session or an admin token)', { 201: NewTokenAnswer }),
    body: NewToken,
  };
  app.post('/api/tokens', { schema: createSchema }, async (request, reply) => {
    const { user } = await requireCaller(request, accounts, 'admin');
    const { name, label, scope, service_id, expires_in } = request.body;
    const { token, record } = await accounts.addToken({
      user,
      name: name ?? label ?? 'web',
      scope,
      serviceId: service_id ?? null,
      expires: expires_in ?? null,
    });
    return reply
      .code(201)
      .send({ status: 201 as const, results: { ...presentToken(record, await userNames()), token } });
  });

  const revokeSchema = { ...described('tokens', 'Revoke a token', { 200: RevokedAnswer }), params: IdParams };
  app.delete('/api/tokens/:id', { schema: revokeSchema }, async (request) => {
    const { user } = await requireCaller(request, accounts, 'admin');
    const revoked = await accounts.revokeToken(request.params.id, user);
    return { status: 200 as const, results: { id: revoked.id, revoked: true as const } };
  });
}
