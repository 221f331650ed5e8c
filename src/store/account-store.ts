import type { ApiToken, ApiTokenWithHash, NewApiToken, Service, ServiceSettings, Session, User } from './store.js';

/**
 * Users, sessions, API tokens, services and shares: who may do what, and the
 * services events are sent to. Nothing here reads or writes events.
 *
 * Removing a service or a user removes account records only. A service's
 * events, rollups and replay keys belong to the event store: the caller
 * (src/accounts/accounts.ts) removes the service here, then its data there
 * (EventStore.removeServiceEvents, which says why in that order).
 */
export interface AccountStore {
  // users
  createUser(input: { name: string; passwordHash: string; admin: boolean; now: number }): Promise<User>;
  findUserByName(name: string): Promise<User | null>;
  findUserById(id: number): Promise<User | null>;
  listUsers(): Promise<User[]>;
  countUsers(): Promise<number>;
  setUserPassword(userId: number, passwordHash: string): Promise<void>;
  setUserAdmin(userId: number, admin: boolean): Promise<void>;
  /** removes the user, their sessions, tokens and shares, and the services they own (not those services' events) */
  removeUser(userId: number): Promise<void>;

  // sessions
  createSession(session: Session): Promise<void>;
  /** the session if it exists and has not expired at `now` */
  findSession(id: string, now: number): Promise<Session | null>;
  deleteSession(id: string): Promise<void>;
  /** ends every session of the user but `exceptId` (the one a user changing their own password keeps) */
  deleteSessionsOfUser(userId: number, exceptId: string | null): Promise<number>;
  deleteExpiredSessions(now: number): Promise<number>;

  // API tokens (only their SHA-256 is stored)
  createToken(input: NewApiToken): Promise<ApiToken>;
  /** the token if it exists and has not expired at `now` */
  findTokenByHash(tokenHash: string, now: number): Promise<ApiToken | null>;
  findTokenById(id: number): Promise<ApiToken | null>;
  /** every token, or a user's, by id */
  listTokens(userId: number | null): Promise<ApiToken[]>;
  /** true when it existed */
  deleteToken(id: number): Promise<boolean>;
  touchToken(id: number, now: number): Promise<void>;
  /** every token with its hash, by id: only for moving a whole install (export --all) */
  listTokensWithHashes(): Promise<ApiTokenWithHash[]>;

  // services
  /** `id` brings over a service from an old T-Mon install; otherwise assigned */
  createService(input: { name: string; ownerId: number; secret: string; id?: number; now: number }): Promise<Service>;
  findServiceById(id: number): Promise<Service | null>;
  findServiceByName(name: string): Promise<Service | null>;
  listServices(): Promise<Service[]>;
  /** services the user owns or that are shared with them */
  listServicesForUser(userId: number): Promise<Service[]>;
  canUserSeeService(userId: number, serviceId: number): Promise<boolean>;
  rotateSecret(serviceId: number, newSecret: string, previousValidUntil: number): Promise<Service>;
  updateServiceSettings(serviceId: number, settings: ServiceSettings): Promise<Service>;
  shareService(serviceId: number, userId: number): Promise<void>;
  unshareService(serviceId: number, userId: number): Promise<void>;
  /** ids of the users a service is shared with, ascending */
  listShareUserIds(serviceId: number): Promise<number[]>;
  /** removes the service, its shares and the tokens bound to it (not its events: see above) */
  removeService(serviceId: number): Promise<void>;
}
