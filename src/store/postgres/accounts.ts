import type pg from 'pg';
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
import { isUniqueViolation, type Queryable } from './database.js';

interface UserRow {
  id: number;
  name: string;
  password_hash: string;
  admin: boolean;
  created_at: number;
}

interface SessionRow {
  id: string;
  user_id: number;
  expires_at: number;
}

const USER_COLUMNS = 'id, name, password_hash, admin, created_at';

function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, passwordHash: row.password_hash, admin: row.admin, createdAt: row.created_at };
}

/** Users, sessions and API tokens. Services (and removing a user's) live in services.ts. */
export class PostgresAccounts {
  constructor(private readonly pool: pg.Pool) {}

  async createUser(input: { name: string; passwordHash: string; admin: boolean; now: number }): Promise<User> {
    try {
      const { rows } = await this.pool.query<UserRow>(
        `INSERT INTO users (name, password_hash, admin, created_at) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
        [input.name, input.passwordHash, input.admin, input.now],
      );
      return toUser(rows[0] as UserRow);
    } catch (error) {
      if (isUniqueViolation(error, 'users_name_key')) {
        throw new StoreConflictError(`user name "${input.name}" is taken`, { cause: error });
      }
      throw error;
    }
  }

  async findUserByName(name: string): Promise<User | null> {
    const { rows } = await this.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE name = $1`, [name]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findUserById(id: number): Promise<User | null> {
    const { rows } = await this.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async listUsers(): Promise<User[]> {
    const { rows } = await this.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY id`);
    return rows.map(toUser);
  }

  async countUsers(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM users');
    return rows[0]?.n ?? 0;
  }

  async setUserPassword(userId: number, passwordHash: string): Promise<void> {
    await this.pool.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]);
  }

  async setUserAdmin(userId: number, admin: boolean): Promise<void> {
    await this.pool.query('UPDATE users SET admin = $1 WHERE id = $2', [admin, userId]);
  }

  /** Deletes the user row (sessions, tokens and shares go by ON DELETE CASCADE); the caller removes their services first. */
  async deleteUser(client: Queryable, userId: number): Promise<void> {
    await client.query('DELETE FROM users WHERE id = $1', [userId]);
  }

  async createSession(session: Session): Promise<void> {
    await this.pool.query('INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, $3)', [
      session.id,
      session.userId,
      session.expiresAt,
    ]);
  }

  async findSession(id: string, now: number): Promise<Session | null> {
    const { rows } = await this.pool.query<SessionRow>(
      'SELECT id, user_id, expires_at FROM sessions WHERE id = $1 AND expires_at > $2',
      [id, now],
    );
    const row = rows[0];
    return row ? { id: row.id, userId: row.user_id, expiresAt: row.expires_at } : null;
  }

  async deleteSession(id: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE id = $1', [id]);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    const result = await this.pool.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
    return result.rowCount ?? 0;
  }

  async deleteSessionsOfUser(userId: number, exceptId: string | null): Promise<number> {
    const result = await this.pool.query('DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2', [
      userId,
      exceptId,
    ]);
    return result.rowCount ?? 0;
  }

  async createToken(input: NewApiToken): Promise<ApiToken> {
    const { rows } = await this.pool.query<TokenRow>(
      `INSERT INTO api_tokens (token_hash, user_id, name, scope, service_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${TOKEN_COLUMNS}`,
      [input.tokenHash, input.userId, input.name, input.scope, input.serviceId, input.now, input.expiresAt],
    );
    return toToken(rows[0] as TokenRow);
  }

  async findTokenByHash(tokenHash: string, now: number): Promise<ApiToken | null> {
    const { rows } = await this.pool.query<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 AND (expires_at IS NULL OR expires_at > $2)`,
      [tokenHash, now],
    );
    return rows[0] ? toToken(rows[0]) : null;
  }

  async findTokenById(id: number): Promise<ApiToken | null> {
    const { rows } = await this.pool.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
    return rows[0] ? toToken(rows[0]) : null;
  }

  async listTokens(userId: number | null): Promise<ApiToken[]> {
    const { rows } =
      userId === null
        ? await this.pool.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY id`)
        : await this.pool.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id`, [
            userId,
          ]);
    return rows.map(toToken);
  }

  async deleteToken(id: number): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM api_tokens WHERE id = $1', [id]);
    return (result.rowCount ?? 0) > 0;
  }

  async listTokensWithHashes(): Promise<ApiTokenWithHash[]> {
    const { rows } = await this.pool.query<TokenWithHashRow>(
      `SELECT ${TOKEN_WITH_HASH_COLUMNS} FROM api_tokens ORDER BY id`,
    );
    return rows.map(toTokenWithHash);
  }

  async touchToken(id: number, now: number): Promise<void> {
    await this.pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2', [now, id]);
  }
}
