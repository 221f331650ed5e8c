import * as initial from './0001-initial.js';
import * as coveringTsIndex from './0002-covering-ts-index.js';
import * as replayClaimsInTimeOrder from './0003-replay-claims-in-time-order.js';
import * as agentsTable from './0004-agents-table.js';
import * as agentsLastTs from './0005-agents-last-ts.js';
import * as replayClaimsPerCommit from './0006-replay-claims-per-commit.js';
import * as scopedTokens from './0007-scoped-tokens.js';
import * as alerts from './0008-alerts.js';
import * as rollupsWithoutBucketIndex from './0009-rollups-without-bucket-index.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * SQLite migrations, applied in order. They are TypeScript modules rather
 * than .sql files because the build is `tsc` alone, which copies no assets.
 * Never edit a shipped migration: add the next one.
 */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  { version: 1, ...initial },
  { version: 2, ...coveringTsIndex },
  { version: 3, ...replayClaimsInTimeOrder },
  { version: 4, ...agentsTable },
  { version: 5, ...agentsLastTs },
  { version: 6, ...replayClaimsPerCommit },
  { version: 7, ...scopedTokens },
  { version: 8, ...alerts },
  { version: 9, ...rollupsWithoutBucketIndex },
];
