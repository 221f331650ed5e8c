/**
 * Users, sessions, tokens and services as the CLI and the web see them: the
 * rules (name formats, secret generation, rotation grace, who may see what)
 * live here once, on top of the store.
 */
import type { Clock } from '../clock.js';
import type { AccountStore } from '../store/account-store.js';
import type { EventStore } from '../store/event-store.js';
import type { Service, ServiceSettings, User } from '../store/store.js';
import { AccountError } from './account-error.js';
import type { Caller } from './caller.js';
import { oneAtATime } from './one-at-a-time.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import { generateServiceSecret, generateSessionId, sha256Hex } from './random.js';
import { createTokens } from './tokens.js';

export { AccountError } from './account-error.js';

export const SERVICE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
export const SECRET = /^[A-Za-z0-9]{32}$/;
const MIN_PASSWORD = 8;

export interface AccountsOptions {
  store: AccountStore;
  /** where a removed service's events, rollups and windows are removed from */
  serviceData: Pick<EventStore, 'removeServiceEvents'>;
  clock: Clock;
  secretGraceHours: number;
  sessionDays: number;
  /** told when a service's secret or settings change or it goes, so caches drop it at once */
  onServiceChanged?: (serviceId: number) => void;
  /** work done after the answer (a token's last use) that failed */
  onBackgroundError?: (message: string, error: unknown) => void;
  /** services a non-admin user may own (TMON_MAX_SERVICES_PER_USER); default DEFAULT_MAX_SERVICES_PER_USER */
  maxServicesPerUser?: number;
}

export const DEFAULT_MAX_SERVICES_PER_USER = 100;

export type Accounts = ReturnType<typeof createAccounts>;

export function createAccounts({
  store,
  serviceData,
  clock,
  secretGraceHours,
  sessionDays,
  onServiceChanged,
  onBackgroundError,
  maxServicesPerUser = DEFAULT_MAX_SERVICES_PER_USER,
}: AccountsOptions) {
  /** an owner's service creations, one at a time: the cap's count and the creation cannot interleave */
  const serviceCreations = oneAtATime();
  async function requireUser(name: string): Promise<User> {
    const user = await store.findUserByName(name);
    if (!user) throw new AccountError(`no user named "${name}"`, 'not_found');
    return user;
  }

  async function requireService(id: number): Promise<Service> {
    const service = await store.findServiceById(id);
    if (!service) throw new AccountError(`no service with id ${id}`, 'not_found');
    return service;
  }

  /** The service when the user may see it; null both when it does not exist and when it is not theirs. */
  async function visibleService(user: User, serviceId: number): Promise<Service | null> {
    const service = await store.findServiceById(serviceId);
    if (!service) return null;
    if (user.admin || service.ownerId === user.id) return service;
    return (await store.canUserSeeService(user.id, serviceId)) ? service : null;
  }

  function checkPassword(password: string): void {
    if (password.length < MIN_PASSWORD)
      throw new AccountError(`password must have at least ${MIN_PASSWORD} characters`);
  }

  /**
   * Sets the password and ends the user's sessions: all of them after a
   * reset, all but `keepSessionOf` (the caller's own) when users change
   * their own. Tokens stay: they are revoked one by one.
   */
  async function setPassword(name: string, password: string, keepSessionOf: Caller | null = null): Promise<void> {
    checkPassword(password);
    const user = await requireUser(name);
    await store.setUserPassword(user.id, await hashPassword(password));
    const kept = keepSessionOf?.user.id === user.id ? keepSessionOf.credential : null;
    await store.deleteSessionsOfUser(user.id, kept?.kind === 'session' ? kept.id : null);
  }

  return {
    requireUser,
    requireService,

    async addUser(name: string, password: string, admin: boolean): Promise<User> {
      if (!USER_NAME.test(name)) {
        throw new AccountError('user name must be 1–64 letters, digits or _ . @ -, starting with a letter or digit');
      }
      checkPassword(password);
      if (await store.findUserByName(name)) throw new AccountError(`user "${name}" exists`, 'conflict');
      return store.createUser({ name, passwordHash: await hashPassword(password), admin, now: clock() });
    },

    setPassword,

    /** Users changing their own password must know the current one. */
    async changeOwnPassword(caller: Caller, currentPassword: string, password: string): Promise<void> {
      if (!(await verifyPassword(caller.user.passwordHash, currentPassword))) {
        throw new AccountError('the current password is wrong');
      }
      await setPassword(caller.user.name, password, caller);
    },

    async removeUser(name: string): Promise<void> {
      const user = await requireUser(name);
      const owned = (await store.listServices()).filter((s) => s.ownerId === user.id);
      await store.removeUser(user.id);
      // after the accounts, as for removeService
      for (const service of owned) await serviceData.removeServiceEvents(service.id);
      for (const service of owned) onServiceChanged?.(service.id);
    },

    /** The user when name and password match; null otherwise, in the same time either way. */
    async authenticate(name: string, password: string): Promise<User | null> {
      const user = await store.findUserByName(name);
      if (!user) {
        await verifyPassword(await dummyPasswordHash(), password);
        return null;
      }
      return (await verifyPassword(user.passwordHash, password)) ? user : null;
    },

    /** Returns the cookie value; the store keeps only its hash. */
    async startSession(userId: number): Promise<{ cookie: string; expiresAt: number }> {
      const cookie = generateSessionId();
      const expiresAt = clock() + sessionDays * 86_400_000;
      await store.createSession({ id: sha256Hex(cookie), userId, expiresAt });
      return { cookie, expiresAt };
    },

    async callerForSession(cookie: string): Promise<Caller | null> {
      const session = await store.findSession(sha256Hex(cookie), clock());
      const user = session ? await store.findUserById(session.userId) : null;
      return session && user ? { user, credential: { kind: 'session', id: session.id } } : null;
    },

    /**
     * The caller as it stands now (its user's rights may have changed), or
     * null when its session or token has ended: logged out, expired,
     * revoked, its user removed or their password reset.
     */
    async recheckCaller(caller: Caller): Promise<Caller | null> {
      const { credential } = caller;
      if (credential.kind === 'session') {
        const session = await store.findSession(credential.id, clock());
        const user = session ? await store.findUserById(session.userId) : null;
        return user ? { user, credential } : null;
      }
      const token = await store.findTokenById(credential.token.id);
      if (!token || (token.expiresAt !== null && token.expiresAt <= clock())) return null;
      const user = await store.findUserById(token.userId);
      return user ? { user, credential: { kind: 'token', token } } : null;
    },

    async endSession(cookie: string): Promise<void> {
      await store.deleteSession(sha256Hex(cookie));
    },

    ...createTokens({
      store,
      clock,
      onBackgroundError,
      mayManage: async (user, serviceId) => {
        const service = await store.findServiceById(serviceId);
        return service !== null && (user.admin || service.ownerId === user.id);
      },
      maySee: async (user, serviceId) => (await visibleService(user, serviceId)) !== null,
    }),

    async addService(input: { name: string; ownerName: string; id?: number; secret?: string }): Promise<Service> {
      if (!SERVICE_NAME.test(input.name)) {
        throw new AccountError('service name must match ^[a-z][a-z0-9_-]{0,39}$ (lowercase, starting with a letter)');
      }
      if (input.id !== undefined && (!Number.isSafeInteger(input.id) || input.id < 1)) {
        throw new AccountError('service id must be a positive integer');
      }
      if (input.secret !== undefined && !SECRET.test(input.secret)) {
        throw new AccountError('service secret must be 32 characters from [A-Za-z0-9]');
      }
      const owner = await requireUser(input.ownerName);
      return serviceCreations(owner.id, async () => {
        if (!owner.admin) {
          // counted per process: two processes creating at the same instant may pass the cap by one each
          const owned = (await store.listServicesForUser(owner.id)).filter((s) => s.ownerId === owner.id).length;
          if (owned >= maxServicesPerUser) {
            throw new AccountError(
              `user "${owner.name}" owns ${owned} service${owned === 1 ? '' : 's'}, the most a user who is not an admin may own ` +
                `(TMON_MAX_SERVICES_PER_USER=${maxServicesPerUser}): remove one first, or ask an admin`,
              'conflict',
            );
          }
        }
        if (await store.findServiceByName(input.name)) {
          throw new AccountError(`service name "${input.name}" is taken`, 'conflict');
        }
        if (input.id !== undefined && (await store.findServiceById(input.id))) {
          throw new AccountError(`service id ${input.id} is taken`, 'conflict');
        }
        const service = await store.createService({
          name: input.name,
          ownerId: owner.id,
          secret: input.secret ?? generateServiceSecret(),
          id: input.id,
          now: clock(),
        });
        // a sender that tried this id before it existed is remembered as unknown: forget that
        onServiceChanged?.(service.id);
        return service;
      });
    },

    /** New secret now; the old one keeps working for the grace period so senders can roll over. */
    async rotateSecret(serviceId: number): Promise<Service> {
      await requireService(serviceId);
      const rotated = await store.rotateSecret(
        serviceId,
        generateServiceSecret(),
        clock() + secretGraceHours * 3_600_000,
      );
      onServiceChanged?.(serviceId);
      return rotated;
    },

    async updateSettings(serviceId: number, settings: ServiceSettings): Promise<Service> {
      await requireService(serviceId);
      const updated = await store.updateServiceSettings(serviceId, settings);
      onServiceChanged?.(serviceId);
      return updated;
    },

    async removeService(serviceId: number): Promise<void> {
      await requireService(serviceId);
      // the service first: events still arriving for it are then dropped when their counts are applied,
      // instead of landing after its data went (see EventStore.removeServiceEvents)
      await store.removeService(serviceId);
      await serviceData.removeServiceEvents(serviceId);
      onServiceChanged?.(serviceId);
    },

    visibleService,

    /** First start: an admin with TMON_ADMIN_PASSWORD or a random password, returned so the caller prints it once. */
    async ensureAdmin(presetPassword: string | null, randomPassword: () => string): Promise<string | null> {
      if ((await store.countUsers()) > 0) return null;
      const password = presetPassword ?? randomPassword();
      await store.createUser({ name: 'admin', passwordHash: await hashPassword(password), admin: true, now: clock() });
      return password;
    },
  };
}

/** The secrets a sender may use now: the current one, and the previous one while its grace period runs. */
export function validSecrets(service: Service, now: number): string[] {
  if (service.previousSecret && service.previousSecretUntil !== null && now < service.previousSecretUntil) {
    return [service.secret, service.previousSecret];
  }
  return [service.secret];
}
