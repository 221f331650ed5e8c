import { StoreConflictError } from '../errors.js';
import type { ApiToken, ApiTokenWithHash, NewApiToken, Session, User } from '../store.js';
import {
  TOKEN_COLUMNS,
  TOKEN_WITH_HASH_COLUMNS,
  type TokenRow,
  type TokenWithHashRow,
  toToken,
  toTokenWithHash,
} from '../token-row.js';
import { isUniqueViolation } from './constraint.js';
import type { SqliteDatabase } from './database.js';

interface UserRow {
  id: number;
  name: string;
  password_hash: string;
  admin: number;
  created_at: number;
}

interface SessionRow {
  id: string;
  user_id: number;
  expires_at: number;
}

const USER_COLUMNS = 'id, name, password_hash, admin, created_at';
function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    passwordHash: row.password_hash,
    admin: row.admin === 1,
    createdAt: row.created_at,
  };
}

/** Users, sessions and API tokens. Services (and removing a user's) live in services.ts. */
export class SqliteAccounts {
  private readonly insertUser;
  private readonly userByName;
  private readonly userById;
  private readonly allUsers;
  private readonly userCount;
  private readonly updatePassword;
  private readonly updateAdmin;
  private readonly deleteUserRow;
  private readonly insertSession;
  private readonly sessionById;
  private readonly deleteSessionRow;
  private readonly deleteSessionsBefore;
  private readonly deleteUserSessions;
  private readonly insertToken;
  private readonly tokenByHash;
  private readonly tokenById;
  private readonly allTokens;
  private readonly userTokens;
  private readonly deleteTokenRow;
  private readonly touchTokenRow;
  private readonly allTokensWithHashes;

  constructor(db: SqliteDatabase) {
    this.insertUser = db.prepare<[string, string, number, number], UserRow>(
      `INSERT INTO users (name, password_hash, admin, created_at) VALUES (?, ?, ?, ?) RETURNING ${USER_COLUMNS}`,
    );
    this.userByName = db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE name = ?`);
    this.userById = db.prepare<[number], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`);
    this.allUsers = db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY id`);
    this.userCount = db.prepare<[], number>('SELECT count(*) FROM users').pluck();
    this.updatePassword = db.prepare<[string, number]>('UPDATE users SET password_hash = ? WHERE id = ?');
    this.updateAdmin = db.prepare<[number, number]>('UPDATE users SET admin = ? WHERE id = ?');
    // sessions, tokens and shares go with the user by ON DELETE CASCADE
    this.deleteUserRow = db.prepare<[number]>('DELETE FROM users WHERE id = ?');
    this.insertSession = db.prepare<[string, number, number]>(
      'INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)',
    );
    this.sessionById = db.prepare<[string, number], SessionRow>(
      'SELECT id, user_id, expires_at FROM sessions WHERE id = ? AND expires_at > ?',
    );
    this.deleteSessionRow = db.prepare<[string]>('DELETE FROM sessions WHERE id = ?');
    this.deleteSessionsBefore = db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?');
    // `id IS NOT ?`: the session to keep, or none when it is null
    this.deleteUserSessions = db.prepare<[number, string | null]>(
      'DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?',
    );
    this.insertToken = db.prepare<[string, number, string, string, number | null, number, number | null], TokenRow>(
      `INSERT INTO api_tokens (token_hash, user_id, name, scope, service_id, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${TOKEN_COLUMNS}`,
    );
    this.tokenByHash = db.prepare<[string, number], TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ? AND (expires_at IS NULL OR expires_at > ?)`,
    );
    this.tokenById = db.prepare<[number], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`);
    this.allTokens = db.prepare<[], TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY id`);
    this.userTokens = db.prepare<[number], TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ? ORDER BY id`,
    );
    this.deleteTokenRow = db.prepare<[number]>('DELETE FROM api_tokens WHERE id = ?');
    this.touchTokenRow = db.prepare<[number, number]>('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
    this.allTokensWithHashes = db.prepare<[], TokenWithHashRow>(
      `SELECT ${TOKEN_WITH_HASH_COLUMNS} FROM api_tokens ORDER BY id`,
    );
  }

  createUser(input: { name: string; passwordHash: string; admin: boolean; now: number }): User {
    try {
      const row = this.insertUser.get(input.name, input.passwordHash, input.admin ? 1 : 0, input.now);
      if (!row) throw new Error('INSERT … RETURNING gave no row');
      return toUser(row);
    } catch (error) {
      if (isUniqueViolation(error, 'users', 'name')) {
        throw new StoreConflictError(`user name "${input.name}" is taken`, { cause: error });
      }
      throw error;
    }
  }

  findUserByName(name: string): User | null {
    const row = this.userByName.get(name);
    return row ? toUser(row) : null;
  }

  findUserById(id: number): User | null {
    const row = this.userById.get(id);
    return row ? toUser(row) : null;
  }

  listUsers(): User[] {
    return this.allUsers.all().map(toUser);
  }

  countUsers(): number {
    return this.userCount.get() ?? 0;
  }

  setUserPassword(userId: number, passwordHash: string): void {
    this.updatePassword.run(passwordHash, userId);
  }

  setUserAdmin(userId: number, admin: boolean): void {
    this.updateAdmin.run(admin ? 1 : 0, userId);
  }

  /** Deletes the user row; the caller removes their services first. */
  deleteUser(userId: number): void {
    this.deleteUserRow.run(userId);
  }

  createSession(session: Session): void {
    this.insertSession.run(session.id, session.userId, session.expiresAt);
  }

  findSession(id: string, now: number): Session | null {
    const row = this.sessionById.get(id, now);
    return row ? { id: row.id, userId: row.user_id, expiresAt: row.expires_at } : null;
  }

  deleteSession(id: string): void {
    this.deleteSessionRow.run(id);
  }

  deleteSessionsOfUser(userId: number, exceptId: string | null): number {
    return this.deleteUserSessions.run(userId, exceptId).changes;
  }

  deleteExpiredSessions(now: number): number {
    return this.deleteSessionsBefore.run(now).changes;
  }

  createToken(input: NewApiToken): ApiToken {
    const row = this.insertToken.get(
      input.tokenHash,
      input.userId,
      input.name,
      input.scope,
      input.serviceId,
      input.now,
      input.expiresAt,
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return toToken(row);
  }

  findTokenByHash(tokenHash: string, now: number): ApiToken | null {
    const row = this.tokenByHash.get(tokenHash, now);
    return row ? toToken(row) : null;
  }

  findTokenById(id: number): ApiToken | null {
    const row = this.tokenById.get(id);
    return row ? toToken(row) : null;
  }

  listTokens(userId: number | null): ApiToken[] {
    return (userId === null ? this.allTokens.all() : this.userTokens.all(userId)).map(toToken);
  }

  deleteToken(id: number): boolean {
    return this.deleteTokenRow.run(id).changes > 0;
  }

  listTokensWithHashes(): ApiTokenWithHash[] {
    return this.allTokensWithHashes.all().map(toTokenWithHash);
  }

  touchToken(id: number, now: number): void {
    this.touchTokenRow.run(now, id);
  }
}
