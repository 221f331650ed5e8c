import type { AccountStore } from '../account-store.js';
import type { SqliteParts } from './parts.js';

/**
 * The account half of the SQLite store. better-sqlite3 is synchronous, so
 * each method runs inline and resolves at once.
 */
export function sqliteAccountStore(ready: () => SqliteParts, inTransaction: <T>(fn: () => T) => T): AccountStore {
  return {
    async createUser(input) {
      return ready().accounts.createUser(input);
    },
    async findUserByName(name) {
      return ready().accounts.findUserByName(name);
    },
    async findUserById(id) {
      return ready().accounts.findUserById(id);
    },
    async listUsers() {
      return ready().accounts.listUsers();
    },
    async countUsers() {
      return ready().accounts.countUsers();
    },
    async setUserPassword(userId, passwordHash) {
      ready().accounts.setUserPassword(userId, passwordHash);
    },
    async setUserAdmin(userId, admin) {
      ready().accounts.setUserAdmin(userId, admin);
    },
    async removeUser(userId) {
      const { accounts, services } = ready();
      inTransaction(() => {
        services.removeServicesOf(userId);
        accounts.deleteUser(userId);
      });
    },

    async createSession(session) {
      ready().accounts.createSession(session);
    },
    async findSession(id, now) {
      return ready().accounts.findSession(id, now);
    },
    async deleteSession(id) {
      ready().accounts.deleteSession(id);
    },
    async deleteSessionsOfUser(userId, exceptId) {
      return ready().accounts.deleteSessionsOfUser(userId, exceptId);
    },
    async deleteExpiredSessions(now) {
      return ready().accounts.deleteExpiredSessions(now);
    },

    async createToken(input) {
      return ready().accounts.createToken(input);
    },
    async findTokenByHash(tokenHash, now) {
      return ready().accounts.findTokenByHash(tokenHash, now);
    },
    async findTokenById(id) {
      return ready().accounts.findTokenById(id);
    },
    async listTokens(userId) {
      return ready().accounts.listTokens(userId);
    },
    async deleteToken(id) {
      return ready().accounts.deleteToken(id);
    },
    async touchToken(id, now) {
      ready().accounts.touchToken(id, now);
    },
    async listTokensWithHashes() {
      return ready().accounts.listTokensWithHashes();
    },

    async createService(input) {
      return ready().services.createService(input);
    },
    async findServiceById(id) {
      return ready().services.findServiceById(id);
    },
    async findServiceByName(name) {
      return ready().services.findServiceByName(name);
    },
    async listServices() {
      return ready().services.listServices();
    },
    async listServicesForUser(userId) {
      return ready().services.listServicesForUser(userId);
    },
    async canUserSeeService(userId, serviceId) {
      return ready().services.canUserSeeService(userId, serviceId);
    },
    async rotateSecret(serviceId, newSecret, previousValidUntil) {
      return ready().services.rotateSecret(serviceId, newSecret, previousValidUntil);
    },
    async updateServiceSettings(serviceId, settings) {
      return ready().services.updateServiceSettings(serviceId, settings);
    },
    async shareService(serviceId, userId) {
      ready().services.shareService(serviceId, userId);
    },
    async listShareUserIds(serviceId) {
      return ready().services.listShareUserIds(serviceId);
    },
    async unshareService(serviceId, userId) {
      ready().services.unshareService(serviceId, userId);
    },
    async removeService(serviceId) {
      ready().services.removeService(serviceId);
    },
  };
}
