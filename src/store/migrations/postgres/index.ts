import type { Migration } from '../sqlite/index.js';
import * as initial from './0001-initial.js';
import * as rollupQueue from './0002-rollup-queue.js';
import * as scopedTokens from './0003-scoped-tokens.js';
import * as alerts from './0004-alerts.js';

export type { Migration } from '../sqlite/index.js';

/**
 * PostgreSQL migrations, applied in order (see postgres/migrate.ts). Their
 * own numbering: the two backends' schemas evolve separately. Never edit a
 * shipped migration: add the next one.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  { version: 1, ...initial },
  { version: 2, ...rollupQueue },
  { version: 3, ...scopedTokens },
  { version: 4, ...alerts },
];
