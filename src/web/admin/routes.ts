/**
 * The admin JSON API behind /admin: services (create, rotate, settings,
 * share, remove), users (admins only) and the caller's own password.
 * validate → authorize → call accounts/store → present. Reads need a `read`
 * token or a session, changes an `admin` token or a session (whose changes
 * need the CSRF token); what the caller may not see answers 404. Tokens have
 * routes of their own (token-routes.ts).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import { boundService, type Caller, scopeAllows } from '../../accounts/caller.js';
import type { Service, Store, User } from '../../store/store.js';
import { requireCsrfToken } from '../auth/csrf.js';
import { requireCaller } from '../auth/current-user.js';
import { visibleServiceFor } from '../auth/visible-service.js';
import { HttpError } from '../errors.js';
import { presentService, presentUser } from './present.js';
import {
  IdParams,
  NewService,
  NewShare,
  NewUser,
  OwnPasswordChange,
  ServiceChanges,
  ShareParams,
  UserChanges,
} from './schemas.js';

export interface AdminRouteDeps {
  store: Store;
  accounts: Accounts;
}

export async function adminRoutes(fastify: FastifyInstance, { store, accounts }: AdminRouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('preHandler', requireCsrfToken);

  const asAdmin = async (request: FastifyRequest): Promise<Caller> => {
    const caller = await requireCaller(request, accounts, 'admin');
    if (!caller.user.admin) throw new HttpError('forbidden', 'only admins manage users');
    return caller;
  };

  /** A service the caller may manage (owner or admin); a viewer or stranger gets 404 or 403. */
  const managed = async (request: FastifyRequest, id: number): Promise<{ caller: Caller; service: Service }> => {
    const caller = await requireCaller(request, accounts, 'admin');
    const service = await visibleServiceFor(caller, accounts, id);
    if (!service) throw new HttpError('not_found', `no service with id ${id}`);
    if (!caller.user.admin && service.ownerId !== caller.user.id)
      throw new HttpError('forbidden', 'only its owner manages a service');
    return { caller, service };
  };

  const present = async (services: Service[], caller: Caller) => {
    const names = new Map((await store.listUsers()).map((u) => [u.id, u.name]));
    // a secret lets its holder forge the service's events: never to a read token
    const secretsFor: User | null = scopeAllows(caller, 'admin') ? caller.user : null;
    return Promise.all(
      services.map(async (s) => presentService(s, secretsFor, names, await store.listShareUserIds(s.id))),
    );
  };

  app.get('/api/me', async (request) => ({
    status: 200,
    results: presentUser((await requireCaller(request, accounts, 'read')).user),
  }));

  app.post('/api/me/password', { schema: { body: OwnPasswordChange } }, async (request) => {
    const caller = await requireCaller(request, accounts, 'admin');
    await accounts.changeOwnPassword(caller, request.body.current_password, request.body.password);
    return { status: 200, results: { updated: true } };
  });

  app.get('/api/services', async (request) => {
    const caller = await requireCaller(request, accounts, 'read');
    const { user } = caller;
    const all = user.admin ? await store.listServices() : await store.listServicesForUser(user.id);
    const bound = boundService(caller);
    const services = bound === null ? all : all.filter((s) => s.id === bound);
    return { status: 200, results: await present(services, caller) };
  });

  app.post('/api/services', { schema: { body: NewService } }, async (request, reply) => {
    const caller = await requireCaller(request, accounts, 'admin');
    const service = await accounts.addService({ name: request.body.name, ownerName: caller.user.name });
    const [shown] = await present([service], caller);
    return reply.code(201).send({ status: 201, results: shown });
  });

  app.get('/api/services/:id', { schema: { params: IdParams } }, async (request) => {
    const caller = await requireCaller(request, accounts, 'read');
    const service = await visibleServiceFor(caller, accounts, request.params.id);
    if (!service) throw new HttpError('not_found', `no service with id ${request.params.id}`);
    return { status: 200, results: (await present([service], caller))[0] };
  });

  app.post('/api/services/:id/rotate-secret', { schema: { params: IdParams } }, async (request) => {
    const { caller } = await managed(request, request.params.id);
    const rotated = await accounts.rotateSecret(request.params.id);
    return { status: 200, results: (await present([rotated], caller))[0] };
  });

  app.patch('/api/services/:id', { schema: { params: IdParams, body: ServiceChanges } }, async (request) => {
    const { caller } = await managed(request, request.params.id);
    const updated = await accounts.updateSettings(request.params.id, { allowLegacy: request.body.allow_legacy });
    return { status: 200, results: (await present([updated], caller))[0] };
  });

  app.delete('/api/services/:id', { schema: { params: IdParams } }, async (request) => {
    await managed(request, request.params.id);
    await accounts.removeService(request.params.id);
    return { status: 200, results: { id: request.params.id, removed: true } };
  });

  app.post('/api/services/:id/shares', { schema: { params: IdParams, body: NewShare } }, async (request) => {
    const { caller, service } = await managed(request, request.params.id);
    const viewer = await store.findUserByName(request.body.user);
    if (!viewer) throw new HttpError('not_found', `no user named "${request.body.user}"`);
    if (viewer.id === service.ownerId) throw new HttpError('bad_request', 'the owner already sees the service');
    await store.shareService(service.id, viewer.id);
    return { status: 200, results: (await present([service], caller))[0] };
  });

  app.delete('/api/services/:id/shares/:userId', { schema: { params: ShareParams } }, async (request) => {
    const { caller, service } = await managed(request, request.params.id);
    await store.unshareService(service.id, request.params.userId);
    return { status: 200, results: (await present([service], caller))[0] };
  });

  app.get('/api/users', async (request) => {
    await asAdmin(request);
    return { status: 200, results: (await store.listUsers()).map(presentUser) };
  });

  app.post('/api/users', { schema: { body: NewUser } }, async (request, reply) => {
    await asAdmin(request);
    const { name, password, admin = false } = request.body;
    const user = await accounts.addUser(name, password, admin);
    return reply.code(201).send({ status: 201, results: presentUser(user) });
  });

  app.patch('/api/users/:id', { schema: { params: IdParams, body: UserChanges } }, async (request) => {
    const caller = await asAdmin(request);
    const target = await store.findUserById(request.params.id);
    if (!target) throw new HttpError('not_found', `no user with id ${request.params.id}`);
    if (request.body.admin === false && target.id === caller.user.id) {
      throw new HttpError('bad_request', 'you cannot take admin rights from yourself');
    }
    if (request.body.admin !== undefined) await store.setUserAdmin(target.id, request.body.admin);
    // a reset ends the target's sessions (an admin resetting their own keeps the one they use)
    if (request.body.password !== undefined) await accounts.setPassword(target.name, request.body.password, caller);
    return { status: 200, results: presentUser((await store.findUserById(target.id))!) };
  });

  app.delete('/api/users/:id', { schema: { params: IdParams } }, async (request) => {
    const { user: me } = await asAdmin(request);
    if (request.params.id === me.id) throw new HttpError('bad_request', 'you cannot remove yourself');
    const target = await store.findUserById(request.params.id);
    if (!target) throw new HttpError('not_found', `no user with id ${request.params.id}`);
    await accounts.removeUser(target.name);
    return { status: 200, results: { id: target.id, removed: true } };
  });
}
