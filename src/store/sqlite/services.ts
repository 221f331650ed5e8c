import { StoreConflictError, StoreNotFoundError } from '../errors.js';
import { DEFAULT_SERVICE_SETTINGS, type Service, type ServiceSettings } from '../store.js';
import { isForeignKeyViolation, isUniqueViolation } from './constraint.js';
import type { SqliteDatabase } from './database.js';

interface ServiceRow {
  id: number;
  name: string;
  owner_id: number;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: number | null;
  settings: string;
  created_at: number;
}

const SERVICE_COLUMNS = 'id, name, owner_id, secret, previous_secret, previous_secret_until, settings, created_at';

/** Settings are JSON, so a new setting needs no migration; missing ones take their defaults. */
function parseSettings(json: string): ServiceSettings {
  const stored = JSON.parse(json) as Partial<ServiceSettings>;
  return { ...DEFAULT_SERVICE_SETTINGS, ...stored };
}

function toService(row: ServiceRow): Service {
  return {
    id: row.id,
    name: row.name,
    ownerId: row.owner_id,
    secret: row.secret,
    previousSecret: row.previous_secret,
    previousSecretUntil: row.previous_secret_until,
    settings: parseSettings(row.settings),
    createdAt: row.created_at,
  };
}

/** Services and their shares. */
export class SqliteServices {
  private readonly insertService;
  private readonly insertServiceWithId;
  private readonly serviceById;
  private readonly serviceByName;
  private readonly allServices;
  private readonly servicesForUser;
  private readonly userSeesService;
  private readonly updateSecret;
  private readonly updateSettings;
  private readonly insertShare;
  private readonly deleteShare;
  private readonly shareUserIds;
  private readonly deleteServiceRow;
  private readonly deleteServicesOfOwner;

  constructor(db: SqliteDatabase) {
    this.insertService = db.prepare<[string, number, string, string, number], ServiceRow>(
      `INSERT INTO services (name, owner_id, secret, settings, created_at) VALUES (?, ?, ?, ?, ?)
       RETURNING ${SERVICE_COLUMNS}`,
    );
    this.insertServiceWithId = db.prepare<[number, string, number, string, string, number], ServiceRow>(
      `INSERT INTO services (id, name, owner_id, secret, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)
       RETURNING ${SERVICE_COLUMNS}`,
    );
    this.serviceById = db.prepare<[number], ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE id = ?`);
    this.serviceByName = db.prepare<[string], ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE name = ?`);
    this.allServices = db.prepare<[], ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services ORDER BY id`);
    this.servicesForUser = db.prepare<[number, number], ServiceRow>(
      `SELECT ${SERVICE_COLUMNS} FROM services
       WHERE owner_id = ? OR id IN (SELECT service_id FROM service_shares WHERE user_id = ?)
       ORDER BY id`,
    );
    this.userSeesService = db
      .prepare<[number, number, number, number], number>(
        `SELECT EXISTS (SELECT 1 FROM services WHERE id = ? AND owner_id = ?)
             OR EXISTS (SELECT 1 FROM service_shares WHERE service_id = ? AND user_id = ?)`,
      )
      .pluck();
    this.updateSecret = db.prepare<[number, string, number], ServiceRow>(
      `UPDATE services SET previous_secret = secret, previous_secret_until = ?, secret = ? WHERE id = ?
       RETURNING ${SERVICE_COLUMNS}`,
    );
    this.updateSettings = db.prepare<[string, number], ServiceRow>(
      `UPDATE services SET settings = ? WHERE id = ? RETURNING ${SERVICE_COLUMNS}`,
    );
    this.insertShare = db.prepare<[number, number]>(
      'INSERT INTO service_shares (service_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
    );
    this.deleteShare = db.prepare<[number, number]>('DELETE FROM service_shares WHERE service_id = ? AND user_id = ?');
    this.shareUserIds = db
      .prepare<[number], number>('SELECT user_id FROM service_shares WHERE service_id = ? ORDER BY user_id')
      .pluck();

    this.deleteServiceRow = db.prepare<[number]>('DELETE FROM services WHERE id = ?'); // shares and bound tokens by ON DELETE CASCADE
    this.deleteServicesOfOwner = db.prepare<[number]>('DELETE FROM services WHERE owner_id = ?');
  }

  createService(input: { name: string; ownerId: number; secret: string; id?: number; now: number }): Service {
    const settings = JSON.stringify(DEFAULT_SERVICE_SETTINGS);
    try {
      const row =
        input.id === undefined
          ? this.insertService.get(input.name, input.ownerId, input.secret, settings, input.now)
          : this.insertServiceWithId.get(input.id, input.name, input.ownerId, input.secret, settings, input.now);
      if (!row) throw new Error('INSERT … RETURNING gave no row');
      return toService(row);
    } catch (error) {
      if (isUniqueViolation(error, 'services', 'id')) {
        throw new StoreConflictError(`service id ${input.id} is taken`, { cause: error });
      }
      if (isUniqueViolation(error, 'services', 'name')) {
        throw new StoreConflictError(`service name "${input.name}" is taken`, { cause: error });
      }
      if (isForeignKeyViolation(error)) {
        throw new StoreNotFoundError(`no user with id ${input.ownerId}`, { cause: error });
      }
      throw error;
    }
  }

  findServiceById(id: number): Service | null {
    const row = this.serviceById.get(id);
    return row ? toService(row) : null;
  }

  findServiceByName(name: string): Service | null {
    const row = this.serviceByName.get(name);
    return row ? toService(row) : null;
  }

  listServices(): Service[] {
    return this.allServices.all().map(toService);
  }

  listServicesForUser(userId: number): Service[] {
    return this.servicesForUser.all(userId, userId).map(toService);
  }

  canUserSeeService(userId: number, serviceId: number): boolean {
    return this.userSeesService.get(serviceId, userId, serviceId, userId) === 1;
  }

  rotateSecret(serviceId: number, newSecret: string, previousValidUntil: number): Service {
    const row = this.updateSecret.get(previousValidUntil, newSecret, serviceId);
    if (!row) throw new StoreNotFoundError(`no service with id ${serviceId}`);
    return toService(row);
  }

  updateServiceSettings(serviceId: number, settings: ServiceSettings): Service {
    const row = this.updateSettings.get(JSON.stringify(settings), serviceId);
    if (!row) throw new StoreNotFoundError(`no service with id ${serviceId}`);
    return toService(row);
  }

  shareService(serviceId: number, userId: number): void {
    try {
      this.insertShare.run(serviceId, userId);
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreNotFoundError(`no service ${serviceId} or no user ${userId}`, { cause: error });
      }
      throw error;
    }
  }

  listShareUserIds(serviceId: number): number[] {
    return this.shareUserIds.all(serviceId);
  }

  unshareService(serviceId: number, userId: number): void {
    this.deleteShare.run(serviceId, userId);
  }

  /** Removes the service row; its events are the event store's (service-data.ts). */
  removeService(serviceId: number): void {
    this.deleteServiceRow.run(serviceId);
  }

  /** Removes every service the user owns (call inside a transaction, before the user). */
  removeServicesOf(userId: number): void {
    this.deleteServicesOfOwner.run(userId);
  }
}
