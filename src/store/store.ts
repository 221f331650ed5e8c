import type { EnrichedEvent } from '../enrich/enriched-event.js';

import type { AccountStore } from './account-store.js';
import type { AlertChannelStore } from './alert-channel-store.js';
import type { AlertRuleStore } from './alert-rule-store.js';
import type { EventStore } from './event-store.js';

/**
 * The storage types, and `Store`: what a backend opens. Callers never see
 * SQL or driver types; each backend (sqlite/, postgres/) implements both
 * halves and passes the same contract tests. Every method that depends on
 * time takes `now` (ms) from the caller, so tests control the clock.
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

/** A new service's settings, and the default of a setting stored before it existed. */
export const DEFAULT_SERVICE_SETTINGS: Readonly<ServiceSettings> = Object.freeze({ allowLegacy: true });

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

export {
  DIMENSIONS,
  type Dimension,
  RESOLUTIONS,
  type Resolution,
  WINDOWS,
  type Window,
} from '../rollup/vocabulary.js';

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

/**
 * An open backend: its two halves and what concerns the database as a whole.
 * Accounts (account-store.ts) and events (event-store.ts) are separate
 * interfaces so that events could move to an engine of their own without
 * touching accounts; today each backend keeps both in one database, so they
 * share its connection, its migrations and its lifetime. Code takes the half
 * it needs, never the whole.
 */
export interface Store {
  readonly accounts: AccountStore;
  readonly events: EventStore;
  /** alert channels and the deliveries to them (alert-channel-store.ts) */
  readonly alertChannels: AlertChannelStore;
  /** alert rules, their evaluation state and transitions (alert-rule-store.ts) */
  readonly alertRules: AlertRuleStore;
  /**
   * brings the database to the current schema; safe to call on every start.
   * Rejects with NewerSchemaError (schema-version.ts) when the database was
   * written by a newer tmon, before changing anything.
   */
  migrate(): Promise<void>;
  /** what migrate() would apply, oldest first, without applying it (rejects as migrate() does on a newer schema) */
  pendingMigrations(): Promise<PendingMigration[]>;
  /** closes both halves: call once, after the last call to either */
  close(): Promise<void>;
}
