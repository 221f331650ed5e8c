import type pg from 'pg';
import { StoreConflictError, StoreNotFoundError } from '../errors.js';
import type { Service, ServiceSettings } from '../store.js';
import { DEFAULT_SERVICE_SETTINGS } from '../store.js';
import { inTransaction, isForeignKeyViolation, isUniqueViolation, type Queryable } from './database.js';

interface ServiceRow {
  id: number;
  name: string;
  owner_id: number;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | null;
  settings: Partial<ServiceSettings>;
  created_at: number;
}

const SERVICE_COLUMNS = 'id, name, owner_id, secret, previous_secret, previous_secret_until, settings, created_at';

function toService(row: ServiceRow): Service {
  return {
    id: row.id,
    name: row.name,
    ownerId: row.owner_id,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretUntil: row.previous_secret_until,
    // settings are JSON, so a new setting needs no migration; missing ones take their defaults
    settings: { ...DEFAULT_SERVICE_SETTINGS, ...row.settings },
    createdAt: row.created_at,
  };
}

/**
 * An assigned id can collide with an explicit one another process inserted
 * between its nextval and its setval (see createService): try the next id.
 */
const ASSIGN_ATTEMPTS = 5;

/** Services and their shares. */
export class PostgresServices {
  constructor(private readonly pool: pg.Pool) {}

  async createService(input: {
    name: string;
    ownerId: number;
    secret: string;
    id?: number;
    now: number;
  }): Promise<Service> {
    const settings = JSON.stringify(DEFAULT_SERVICE_SETTINGS);
    for (let attempt = 1; ; attempt++) {
      try {
        return input.id === undefined
          ? await this.insert(input, settings)
          : await this.insertWithId({ ...input, id: input.id }, settings);
      } catch (error) {
        if (isUniqueViolation(error, 'services_pkey')) {
          if (input.id === undefined && attempt < ASSIGN_ATTEMPTS) continue;
          throw new StoreConflictError(`service id ${input.id} is taken`, { cause: error });
        }
        if (isUniqueViolation(error, 'services_name_key')) {
          throw new StoreConflictError(`service name "${input.name}" is taken`, { cause: error });
        }
        if (isForeignKeyViolation(error)) {
          throw new StoreNotFoundError(`no user with id ${input.ownerId}`, { cause: error });
        }
        throw error;
      }
    }
  }

  private async insert(input: { name: string; ownerId: number; secret: string; now: number }, settings: string) {
    const { rows } = await this.pool.query<ServiceRow>(
      `INSERT INTO services (name, owner_id, secret, settings, created_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${SERVICE_COLUMNS}`,
      [input.name, input.ownerId, input.secret, settings, input.now],
    );
    return toService(rows[0] as ServiceRow);
  }

  /**
   * An explicit id (a service brought over from an old T-Mon install), then
   * the sequence moved past it so assigned ids continue after it. The table
   * lock (taken by no other path but this rare one) keeps concurrent inserts,
   * and so their nextval, out until the commit: the sequence never moves
   * back, and no assigned id can land on the explicit one meanwhile.
   */
  private async insertWithId(
    input: { id: number; name: string; ownerId: number; secret: string; now: number },
    settings: string,
  ) {
    return inTransaction(this.pool, async (client) => {
      await client.query('LOCK TABLE services IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await client.query<ServiceRow>(
        `INSERT INTO services (id, name, owner_id, secret, settings, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING ${SERVICE_COLUMNS}`,
        [input.id, input.name, input.ownerId, input.secret, settings, input.now],
      );
      await client.query(
        `SELECT setval(pg_get_serial_sequence('services', 'id'), $1::bigint)
         FROM (SELECT last_value, is_called FROM services_id_seq) AS s
         WHERE NOT s.is_called OR s.last_value < $1::bigint`,
        [input.id],
      );
      return toService(rows[0] as ServiceRow);
    });
  }

  async findServiceById(id: number): Promise<Service | null> {
    const { rows } = await this.pool.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE id = $1`, [id]);
    return rows[0] ? toService(rows[0]) : null;
  }

  async findServiceByName(name: string): Promise<Service | null> {
    const { rows } = await this.pool.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE name = $1`, [
      name,
    ]);
    return rows[0] ? toService(rows[0]) : null;
  }

  async listServices(): Promise<Service[]> {
    const { rows } = await this.pool.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services ORDER BY id`);
    return rows.map(toService);
  }

  async listServicesForUser(userId: number): Promise<Service[]> {
    const { rows } = await this.pool.query<ServiceRow>(
      `SELECT ${SERVICE_COLUMNS} FROM services
       WHERE owner_id = $1 OR id IN (SELECT service_id FROM service_shares WHERE user_id = $1)
       ORDER BY id`,
      [userId],
    );
    return rows.map(toService);
  }

  async canUserSeeService(userId: number, serviceId: number): Promise<boolean> {
    const { rows } = await this.pool.query<{ sees: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM services WHERE id = $2 AND owner_id = $1)
           OR EXISTS (SELECT 1 FROM service_shares WHERE service_id = $2 AND user_id = $1) AS sees`,
      [userId, serviceId],
    );
    return rows[0]?.sees === true;
  }

  async rotateSecret(serviceId: number, newSecret: string, previousValidUntil: number): Promise<Service> {
    const { rows } = await this.pool.query<ServiceRow>(
      `UPDATE services SET previous_secret = secret, previous_secret_until = $1, secret = $2 WHERE id = $3
       RETURNING ${SERVICE_COLUMNS}`,
      [previousValidUntil, newSecret, serviceId],
    );
    if (!rows[0]) throw new StoreNotFoundError(`no service with id ${serviceId}`);
    return toService(rows[0]);
  }

  async updateServiceSettings(serviceId: number, settings: ServiceSettings): Promise<Service> {
    const { rows } = await this.pool.query<ServiceRow>(
      `UPDATE services SET settings = $1 WHERE id = $2 RETURNING ${SERVICE_COLUMNS}`,
      [JSON.stringify(settings), serviceId],
    );
    if (!rows[0]) throw new StoreNotFoundError(`no service with id ${serviceId}`);
    return toService(rows[0]);
  }

  async shareService(serviceId: number, userId: number): Promise<void> {
    try {
      await this.pool.query('INSERT INTO service_shares (service_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        serviceId,
        userId,
      ]);
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreNotFoundError(`no service ${serviceId} or no user ${userId}`, { cause: error });
      }
      throw error;
    }
  }

  async listShareUserIds(serviceId: number): Promise<number[]> {
    const { rows } = await this.pool.query<{ user_id: number }>(
      'SELECT user_id FROM service_shares WHERE service_id = $1 ORDER BY user_id',
      [serviceId],
    );
    return rows.map((row) => row.user_id);
  }

  async unshareService(serviceId: number, userId: number): Promise<void> {
    await this.pool.query('DELETE FROM service_shares WHERE service_id = $1 AND user_id = $2', [serviceId, userId]);
  }

  /** Removes the service row (shares and bound tokens by ON DELETE CASCADE); its events are the event store's. */
  async removeService(serviceId: number): Promise<void> {
    await this.pool.query('DELETE FROM services WHERE id = $1', [serviceId]);
  }

  /** Removes every service the user owns (call inside a transaction, before the user). */
  async removeServicesOf(client: Queryable, userId: number): Promise<void> {
    await client.query('DELETE FROM services WHERE owner_id = $1', [userId]);
  }
}
