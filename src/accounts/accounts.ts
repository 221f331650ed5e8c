/**
 * Users, sessions, tokens and services as the CLI and the web see them: the
 * rules (name formats, secret generation, rotation grace, who may see what)
 * live here once, on top of the store.
 */
import type { Clock } from '../clock.js';
import type { Service, ServiceSettings, Store, User } from '../store/store.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';
import { generateApiToken, generateServiceSecret, generateSessionId, sha256Hex } from './random.js';

export const SERVICE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
export const SECRET = /^[A-Za-z0-9]{32}$/;
const MIN_PASSWORD = 8;

/** A rule broken by the caller's input: the message is safe to show. */
export class AccountError extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'conflict' | 'not_found' = 'invalid',
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

export interface AccountsOptions {
  store: Store;
  clock: Clock;
  secretGraceHours: number;
  sessionDays: number;
  /** told when a service's secret or settings change or it goes, so caches drop it at once */
  onServiceChanged?: (serviceId: number) => void;
}

export type Accounts = ReturnType<typeof createAccounts>;

export function createAccounts({ store, clock, secretGraceHours, sessionDays, onServiceChanged }: AccountsOptions) {
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

  function checkPassword(password: string): void {
    if (password.length < MIN_PASSWORD)
      throw new AccountError(`password must have at least ${MIN_PASSWORD} characters`);
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

    async setPassword(name: string, password: string): Promise<void> {
      checkPassword(password);
      const user = await requireUser(name);
      await store.setUserPassword(user.id, await hashPassword(password));
    },

    async removeUser(name: string): Promise<void> {
      const user = await requireUser(name);
      const owned = (await store.listServices()).filter((s) => s.ownerId === user.id);
      await store.removeUser(user.id);
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

    async userForSession(cookie: string): Promise<User | null> {
      const session = await store.findSession(sha256Hex(cookie), clock());
      return session ? store.findUserById(session.userId) : null;
    },

    async endSession(cookie: string): Promise<void> {
      await store.deleteSession(sha256Hex(cookie));
    },

    /** Returns the token once; the store keeps only its hash. */
    async addToken(userName: string, label: string): Promise<string> {
      const user = await requireUser(userName);
      const token = generateApiToken();
      await store.createToken({ tokenHash: sha256Hex(token), userId: user.id, label, now: clock() });
      return token;
    },

    async userForToken(token: string): Promise<User | null> {
      const userId = await store.findUserIdByToken(sha256Hex(token));
      return userId === null ? null : store.findUserById(userId);
    },

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
      await store.removeService(serviceId);
      onServiceChanged?.(serviceId);
    },

    /** The service when the user may see it; null both when it does not exist and when it is not theirs. */
    async visibleService(user: User, serviceId: number): Promise<Service | null> {
      const service = await store.findServiceById(serviceId);
      if (!service) return null;
      if (user.admin || service.ownerId === user.id) return service;
      return (await store.canUserSeeService(user.id, serviceId)) ? service : null;
    },

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
