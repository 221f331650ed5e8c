/**
 * The file `tmon export --all` writes and `tmon import --all` reads: NDJSON,
 * a header line first, then one record a line in the order an import needs
 * them (users, services, shares, tokens, events: each refers only to records
 * before it). Secrets travel as stored: password hashes, service secrets,
 * token hashes — so the file must be kept as private as the database.
 */
import type { ServiceSettings, TokenScope } from '../store/store.js';

export const INSTALL_FORMAT = 'tmon-install';
/** bumped when a record changes shape; an import refuses versions it does not know */
export const INSTALL_FORMAT_VERSION = 1;

export interface InstallHeader {
  format: typeof INSTALL_FORMAT;
  version: number;
  exportedAt: number;
  /** the backend it came from, for the reader */
  source: 'sqlite' | 'postgres';
}

export interface UserRecord {
  type: 'user';
  id: number;
  name: string;
  passwordHash: string;
  admin: boolean;
  createdAt: number;
}

export interface ServiceRecord {
  type: 'service';
  id: number;
  name: string;
  ownerId: number;
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: number | null;
  settings: ServiceSettings;
  createdAt: number;
}

export interface ShareRecord {
  type: 'share';
  serviceId: number;
  userId: number;
}

export interface TokenRecord {
  type: 'token';
  userId: number;
  name: string;
  scope: TokenScope;
  serviceId: number | null;
  tokenHash: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

/** one stored event: the fields of `tmon export` (presentEvent) and its service */
export interface EventRecord {
  type: 'event';
  serviceId: number;
  event: Record<string, unknown>;
}

export type InstallRecord = UserRecord | ServiceRecord | ShareRecord | TokenRecord | EventRecord;

export class InstallFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallFileError';
  }
}

/** The header line, or InstallFileError saying what the file is not. */
export function parseInstallHeader(line: string | undefined): InstallHeader {
  let header: Partial<InstallHeader>;
  try {
    header = JSON.parse(line ?? '') as Partial<InstallHeader>;
  } catch (error) {
    throw new InstallFileError(`its first line is not JSON (${(error as Error).message})`);
  }
  if (header?.format !== INSTALL_FORMAT) {
    throw new InstallFileError(
      "it is not a file of tmon export --all (no tmon-install header; one service's export goes to tmon import SERVICE_ID)",
    );
  }
  if (header.version !== INSTALL_FORMAT_VERSION) {
    throw new InstallFileError(
      `it is format version ${header.version}, this tmon reads version ${INSTALL_FORMAT_VERSION}: use the tmon that wrote it, or a newer one`,
    );
  }
  return header as InstallHeader;
}

const RECORD_TYPES = new Set(['user', 'service', 'share', 'token', 'event']);

/** One record line, or InstallFileError. Fields are trusted as written by export --all; the store checks the rest. */
export function parseInstallRecord(line: string): InstallRecord {
  const record = JSON.parse(line) as { type?: unknown };
  if (typeof record !== 'object' || record === null || !RECORD_TYPES.has(String(record.type))) {
    throw new InstallFileError(`a record of unknown type ${JSON.stringify(record?.type)}`);
  }
  return record as InstallRecord;
}

/** How many of each a whole-install export or import carried. */
export interface InstallCounts {
  users: number;
  services: number;
  shares: number;
  tokens: number;
  events: number;
}

export function describeInstallCounts(counts: InstallCounts): string {
  return `${counts.users} users, ${counts.services} services, ${counts.shares} shares, ${counts.tokens} tokens, ${counts.events} events`;
}
