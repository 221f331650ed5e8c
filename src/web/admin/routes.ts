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
import type { AccountStore } from '../../store/account-store.js';
import type { Service, User } from '../../store/store.js';
import { described } from '../answer-schemas.js';
import { requireCsrfToken } from '../auth/csrf.js';
import { requireCaller } from '../auth/current-user.js';
import { visibleServiceFor } from '../auth/visible-service.js';
import { HttpError } from '../errors.js';
import {
  MeAnswer,
  NewServiceAnswer,
  NewUserAnswer,
  PasswordChangedAnswer,
  RemovedAnswer,
  ServiceAnswer,
  ServicesAnswer,
  UserAnswer,
  UsersAnswer,
} from './answers.js';
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
  store: AccountStore;
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

  const presentOne = async (service: Service, caller: Caller) => {
    const [shown] = await present([service], caller);
    if (!shown) throw new Error('presenting one service gave none');
    return shown;
  };

  app.get('/api/me', { schema: described('users', 'Who you are', { 200: MeAnswer }) }, async (request) => ({
    status: 200 as const,
    results: presentUser((await requireCaller(request, accounts, 'read')).user),
  }));

  const passwordSchema = {
    ...described('users', 'Change your own password (your other sessions end)', { 200: PasswordChangedAnswer }),
    body: OwnPasswordChange,
  };
  app.post('/api/me/password', { schema: passwordSchema }, async (request) => {
    const caller = await requireCaller(request, accounts, 'admin');
    await accounts.changeOwnPassword(caller, request.body.current_password, request.body.password);
    return { status: 200 as const, results: { updated: true as const } };
  });

  const listSchema = described('services', 'The services you can see', { 200: ServicesAnswer });
  app.get('/api/services', { schema: listSchema }, async (request) => {
    const caller = await requireCaller(request, accounts, 'read');
    const { user } = caller;
    const all = user.admin ? await store.listServices() : await store.listServicesForUser(user.id);
    const bound = boundService(caller);
    const services = bound === null ? all : all.filter((s) => s.id === bound);
    return { status: 200 as const, results: await present(services, caller) };
  });

  const createSchema = {
    ...described('services', 'Create a service: its id and secret', { 201: NewServiceAnswer }),
    body: NewService,
  };
  app.post('/api/services', { schema: createSchema }, async (request, reply) => {
    const caller = await requireCaller(request, accounts, 'admin');
    const service = await accounts.addService({ name: request.body.name, ownerName: caller.user.name });
    const shown = await presentOne(service, caller);
    return reply.code(201).send({ status: 201 as const, results: shown });
  });

  const showSchema = {
    ...described('services', 'A service, with its secret if you manage it', { 200: ServiceAnswer }),
    params: IdParams,
  };
  app.get('/api/services/:id', { schema: showSchema }, async (request) => {
    const caller = await requireCaller(request, accounts, 'read');
    const service = await visibleServiceFor(caller, accounts, request.params.id);
    if (!service) throw new HttpError('not_found', `no service with id ${request.params.id}`);
    return { status: 200 as const, results: await presentOne(service, caller) };
  });

  const rotateSchema = {
    ...described('services', 'A new secret; the previous one stays valid for a grace period', { 200: ServiceAnswer }),
    params: IdParams,
  };
  app.post('/api/services/:id/rotate-secret', { schema: rotateSchema }, async (request) => {
    const { caller } = await managed(request, request.params.id);
    const rotated = await accounts.rotateSecret(request.params.id);
    return { status: 200 as const, results: await presentOne(rotated, caller) };
  });

  const changeSchema = {
    ...described('services', 'Accept or refuse the legacy protocols (Gen 1, Gen 2)', { 200: ServiceAnswer }),
    params: IdParams,
    body: ServiceChanges,
  };
  app.patch('/api/services/:id', { schema: changeSchema }, async (request) => {
    const { caller } = await managed(request, request.params.id);
    const updated = await accounts.updateSettings(request.params.id, { allowLegacy: request.body.allow_legacy });
    return { status: 200 as const, results: await presentOne(updated, caller) };
  });

  const removeSchema = {
    ...described('services', 'Remove a service and its events', { 200: RemovedAnswer }),
    params: IdParams,
  };
  app.delete('/api/services/:id', { schema: removeSchema }, async (request) => {
    await managed(request, request.params.id);
    await accounts.removeService(request.params.id);
    return { status: 200 as const, results: { id: request.params.id, removed: true as const } };
  });

  const shareSchema = {
    ...described('services', 'Share a service with a user, who may then view it', { 200: ServiceAnswer }),
    params: IdParams,
    body: NewShare,
  };
  app.post('/api/services/:id/shares', { schema: shareSchema }, async (request) => {
    const { caller, service } = await managed(request, request.params.id);
    const viewer = await store.findUserByName(request.body.user);
    if (!viewer) throw new HttpError('not_found', `no user named "${request.body.user}"`);
    if (viewer.id === service.ownerId) throw new HttpError('bad_request', 'the owner already sees the service');
    await store.shareService(service.id, viewer.id);
    return { status: 200 as const, results: await presentOne(service, caller) };
  });

  const unshareSchema = {
    ...described('services', 'Stop sharing a service with a user', { 200: ServiceAnswer }),
    params: ShareParams,
  };
  app.delete('/api/services/:id/shares/:userId', { schema: unshareSchema }, async (request) => {
    const { caller, service } = await managed(request, request.params.id);
    await store.unshareService(service.id, request.params.userId);
    return { status: 200 as const, results: await presentOne(service, caller) };
  });

  app.get(
    '/api/users',
    { schema: described('users', 'Every user (admins)', { 200: UsersAnswer }) },
    async (request) => {
      await asAdmin(request);
      return { status: 200 as const, results: (await store.listUsers()).map(presentUser) };
    },
  );

  const newUserSchema = { ...described('users', 'Add a user (admins)', { 201: NewUserAnswer }), body: NewUser };
  app.post('/api/users', { schema: newUserSchema }, async (request, reply) => {
    await asAdmin(request);
    const { name, password, admin = false } = request.body;
    const user = await accounts.addUser(name, password, admin);
    return reply.code(201).send({ status: 201 as const, results: presentUser(user) });
  });

  const userChangeSchema = {
    ...described('users', 'Grant or take admin rights, or reset a password (admins)', { 200: UserAnswer }),
    params: IdParams,
    body: UserChanges,
  };
  app.patch('/api/users/:id', { schema: userChangeSchema }, async (request) => {
    const caller = await asAdmin(request);
    const target = await store.findUserById(request.params.id);
    if (!target) throw new HttpError('not_found', `no user with id ${request.params.id}`);
    if (request.body.admin === false && target.id === caller.user.id) {
      throw new HttpError('bad_request', 'you cannot take admin rights from yourself');
    }
    if (request.body.admin !== undefined) await store.setUserAdmin(target.id, request.body.admin);
    // a reset ends the target's sessions (an admin resetting their own keeps the one they use)
    if (request.body.password !== undefined) await accounts.setPassword(target.name, request.body.password, caller);
    return { status: 200 as const, results: presentUser((await store.findUserById(target.id))!) };
  });

  const removeUserSchema = {
    ...described('users', 'Remove a user (admins)', { 200: RemovedAnswer }),
    params: IdParams,
  };
  app.delete('/api/users/:id', { schema: removeUserSchema }, async (request) => {
    const { user: me } = await asAdmin(request);
    if (request.params.id === me.id) throw new HttpError('bad_request', 'you cannot remove yourself');
    const target = await store.findUserById(request.params.id);
    if (!target) throw new HttpError('not_found', `no user with id ${request.params.id}`);
    await accounts.removeUser(target.name);
    return { status: 200 as const, results: { id: target.id, removed: true as const } };
  });
}
