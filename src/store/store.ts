import type { EnrichedEvent } from '../enrich/enriched-event.js';

/**
 * The one storage interface. Callers never see SQL or driver types; each
 * backend (sqlite/, later postgres/) implements all of it and passes the same
 * test suite. Every method that depends on time takes `now` (ms) from the
 * caller, so tests control the clock.
 */

export interface User {
  id: number;
  name: string;
  passwordHash: string;
  admin: boolean;
  createdAt: number;
}

export interface ServiceSettings {
  /** accept Gen 1 (AES-CFB8) and Gen 2 (HMAC-SHA1) requests */
  allowLegacy: boolean;
}

export interface Service {
  id: number;
  name: string;
  ownerId: number;
  secret: string;
  /** the secret before the last rotation, valid until previousSecretUntil */
  previousSecret: string | null;
  previousSecretUntil: number | null;
  settings: ServiceSettings;
  createdAt: number;
}

export interface Session {
  id: string;
  userId: number;
  expiresAt: number;
}

/**
 * What an API token may do: `read` the query API and live streams, `admin`
 * what its user may do in the admin page, `ingest` only send events to its
 * one service.
 */
export type TokenScope = 'read' | 'admin' | 'ingest';
export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'admin', 'ingest'];

/** An API token as stored: never the token itself, only its SHA-256. */
export interface ApiToken {
  id: number;
  userId: number;
  name: string;
  scope: TokenScope;
  /** the one service it is bound to (always for `ingest`), or null */
  serviceId: number | null;
  createdAt: number;
  /** null: never expires */
  expiresAt: number | null;
  lastUsedAt: number | null;
}

/**
 * A token with its SHA-256, as stored: for moving a whole install to another
 * database (`tmon export --all`), where a token made before must still work.
 */
export interface ApiTokenWithHash extends ApiToken {
  tokenHash: string;
}

/** A schema migration this tmon has that the database has not applied yet. */
export interface PendingMigration {
  version: number;
  name: string;
}

export interface NewApiToken {
  tokenHash: string;
  userId: number;
  name: string;
  scope: TokenScope;
  serviceId: number | null;
  expiresAt: number | null;
  now: number;
}

/** A dimension that tmon ranks requests by. */
export type Dimension = 'country' | 'city' | 'os' | 'device' | 'browser' | 'url';
export const DIMENSIONS: readonly Dimension[] = ['country', 'city', 'os', 'device', 'browser', 'url'];

export type Window = '5m' | '10m' | '1h' | '24h' | '7d' | '30d' | 'all';
export const WINDOWS: readonly Window[] = ['5m', '10m', '1h', '24h', '7d', '30d', 'all'];

export type Resolution = 'second' | 'minute' | 'hour' | 'day';
export const RESOLUTIONS: readonly Resolution[] = ['second', 'minute', 'hour', 'day'];

/** One ranked value. For `city`, the key is the city and `place` carries where it is. */
export interface RankedValue {
  key: string;
  requests: number;
  place?: { city: string; region: string | null; country: string; lat: number | null; lng: number | null };
}

export interface SeriesPoint {
  /** bucket start, ms since epoch */
  ts: number;
  requests: number;
}

export interface Box {
  neLat: number;
  neLng: number;
  swLat: number;
  swLng: number;
}

export interface LocationPoint {
  lat: number;
  lng: number;
  city: string | null;
  country: string;
  requests: number;
  lastTs: number;
}

/** An event as stored, with the store's sequence number and receipt time. */
export interface StoredEvent extends EnrichedEvent {
  seq: number;
  serviceId: number;
  receivedAt: number;
}

/**
 * One collect request's events, written atomically: all or none.
 * `replayKey` (the v2 iv) is claimed in the same transaction; if it was
 * already claimed for the service and has not expired, nothing is stored
 * and the write answers `replayed`.
 */
export interface EventWrite {
  serviceId: number;
  events: EnrichedEvent[];
  replayKey: string | null;
  replayKeyExpiresAt: number | null;
}

export type EventWriteResult =
  | { ok: true; accepted: number; stored: StoredEvent[] }
  | { ok: false; reason: 'replayed' };

export interface Store {
  /**
   * How many group commits may usefully run at once: 1 for a single-writer
   * database (SQLite), more for a server whose commits wait on the network
   * and the disk while others proceed (PostgreSQL).
   */
  readonly writeConcurrency: number;
  /**
   * brings the database to the current schema; safe to call on every start.
   * Rejects with NewerSchemaError (schema-version.ts) when the database was
   * written by a newer tmon, before changing anything.
   */
  migrate(): Promise<void>;
  /** what migrate() would apply, oldest first, without applying it (rejects as migrate() does on a newer schema) */
  pendingMigrations(): Promise<PendingMigration[]>;
  close(): Promise<void>;

  // users
  createUser(input: { name: string; passwordHash: string; admin: boolean; now: number }): Promise<User>;
  findUserByName(name: string): Promise<User | null>;
  findUserById(id: number): Promise<User | null>;
  listUsers(): Promise<User[]>;
  countUsers(): Promise<number>;
  setUserPassword(userId: number, passwordHash: string): Promise<void>;
  setUserAdmin(userId: number, admin: boolean): Promise<void>;
  /** removes the user, their sessions, tokens and shares; their services go with them */
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
  /** removes the service with all its events and rollups */
  removeService(serviceId: number): Promise<void>;

  // ingestion
  /**
   * Writes every request's events in ONE transaction (group commit) and
   * resolves after its commit. Events whose idempotency `id` is already stored
   * for the service are accepted but not stored again. Rollups may be applied
   * up to a second later, but every read sees them (a backend that defers
   * them applies what is pending before answering, and after a crash finds
   * it again: rebuilt from the events (SQLite) or queued in the database
   * with them (PostgreSQL)).
   */
  writeEvents(writes: EventWrite[], now: number): Promise<EventWriteResult[]>;
  countEvents(serviceId?: number): Promise<number>;

  // queries: rollups and indexed ranges only, never a scan of all events
  topValues(
    serviceId: number,
    dimension: Dimension,
    window: Window,
    limit: number,
    now: number,
  ): Promise<RankedValue[]>;
  /** exactly `limit` buckets, oldest first, the last one holding `now`, zero-filled */
  requestSeries(serviceId: number, resolution: Resolution, limit: number, now: number): Promise<SeriesPoint[]>;
  /** the latest `limit` geolocated events inside the box, grouped by position */
  locations(serviceId: number, box: Box, window: Window, limit: number, now: number): Promise<LocationPoint[]>;
  /** the latest `limit` events, newest first */
  latestEvents(serviceId: number, limit: number): Promise<StoredEvent[]>;
  /** a page of the service's events with seq > afterSeq, oldest (lowest seq) first: for exports */
  eventsAfterSeq(serviceId: number, afterSeq: number, limit: number): Promise<StoredEvent[]>;

  // maintenance
  /**
   * Moves the sliding windows (5m … 30d) forward to `now`, subtracting the
   * buckets that left them. writeEvents does this itself; the server also
   * calls it every second so rankings age while no events arrive.
   */
  advanceWindows(now: number): Promise<void>;
  /** deletes raw events older than `before` (at most `maxRows` per call); rollups stay */
  deleteEventsBefore(before: number, maxRows: number): Promise<number>;
  /**
   * drops rollup buckets no query can reach any more, and expired replay keys:
   * at most `maxRows` per call (each statement its own short transaction, so
   * ingestion goes on in between); answers how many went, so a caller repeats
   * while it gets `maxRows`
   */
  pruneRollups(now: number, maxRows: number): Promise<number>;
}
