import type pg from 'pg';
import type { AccountStore } from '../account-store.js';
import { PostgresAccounts } from './accounts.js';
import { inTransaction } from './database.js';
import { PostgresServices } from './services.js';

/** The account half of the PostgreSQL store; `ready` runs a call once the schema is up to date. */
export function postgresAccountStore(pool: pg.Pool, ready: <T>(body: () => Promise<T>) => Promise<T>): AccountStore {
  const accounts = new PostgresAccounts(pool);
  const services = new PostgresServices(pool);
  return {
    createUser: (input) => ready(() => accounts.createUser(input)),
    findUserByName: (name) => ready(() => accounts.findUserByName(name)),
    findUserById: (id) => ready(() => accounts.findUserById(id)),
    listUsers: () => ready(() => accounts.listUsers()),
    countUsers: () => ready(() => accounts.countUsers()),
    setUserPassword: (userId, passwordHash) => ready(() => accounts.setUserPassword(userId, passwordHash)),
    setUserAdmin: (userId, admin) => ready(() => accounts.setUserAdmin(userId, admin)),
    removeUser: (userId) =>
      ready(() =>
        inTransaction(pool, async (client) => {
          await services.removeServicesOf(client, userId);
          await accounts.deleteUser(client, userId);
        }),
      ),

    createSession: (session) => ready(() => accounts.createSession(session)),
    findSession: (id, now) => ready(() => accounts.findSession(id, now)),
    deleteSession: (id) => ready(() => accounts.deleteSession(id)),
    deleteSessionsOfUser: (userId, exceptId) => ready(() => accounts.deleteSessionsOfUser(userId, exceptId)),
    deleteExpiredSessions: (now) => ready(() => accounts.deleteExpiredSessions(now)),

    createToken: (input) => ready(() => accounts.createToken(input)),
    findTokenByHash: (tokenHash, now) => ready(() => accounts.findTokenByHash(tokenHash, now)),
    findTokenById: (id) => ready(() => accounts.findTokenById(id)),
    listTokens: (userId) => ready(() => accounts.listTokens(userId)),
    deleteToken: (id) => ready(() => accounts.deleteToken(id)),
    touchToken: (id, now) => ready(() => accounts.touchToken(id, now)),
    listTokensWithHashes: () => ready(() => accounts.listTokensWithHashes()),

    createService: (input) => ready(() => services.createService(input)),
    findServiceById: (id) => ready(() => services.findServiceById(id)),
    findServiceByName: (name) => ready(() => services.findServiceByName(name)),
    listServices: () => ready(() => services.listServices()),
    listServicesForUser: (userId) => ready(() => services.listServicesForUser(userId)),
    canUserSeeService: (userId, serviceId) => ready(() => services.canUserSeeService(userId, serviceId)),
    rotateSecret: (serviceId, newSecret, previousValidUntil) =>
      ready(() => services.rotateSecret(serviceId, newSecret, previousValidUntil)),
    updateServiceSettings: (serviceId, settings) => ready(() => services.updateServiceSettings(serviceId, settings)),
    shareService: (serviceId, userId) => ready(() => services.shareService(serviceId, userId)),
    unshareService: (serviceId, userId) => ready(() => services.unshareService(serviceId, userId)),
    listShareUserIds: (serviceId) => ready(() => services.listShareUserIds(serviceId)),
    removeService: (serviceId) => ready(() => services.removeService(serviceId)),
  };
}
