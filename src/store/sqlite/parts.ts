import { WatchedPrefixList } from '../../rollup/signals.js';
import { SqliteAccounts } from './accounts.js';
import { SqliteAgentIds } from './agent-ids.js';
import { SqliteAlertCounts } from './alert-counts.js';
import type { SqliteDatabase } from './database.js';
import { SqliteEventsWriter } from './events-writer.js';
import { SqliteMaintenance } from './maintenance.js';
import { SqliteQueries } from './queries.js';
import { SqliteReplayClaims } from './replay-claims.js';
import { SqliteRollupBuffer } from './rollup-buffer.js';
import { SqliteRollupWriter } from './rollup-writer.js';
import { SqliteServiceData } from './service-data.js';
import { SqliteServices } from './services.js';
import { SqliteWindows } from './windows.js';

/** The prepared parts of the SQLite store; they need the schema, so they exist once migrations ran. */
export interface SqliteParts {
  accounts: SqliteAccounts;
  services: SqliteServices;
  rollups: SqliteRollupBuffer;
  writer: SqliteEventsWriter;
  queries: SqliteQueries;
  maintenance: SqliteMaintenance;
  serviceData: SqliteServiceData;
  alertCounts: SqliteAlertCounts;
  /** the URL prefixes alert rules watch, which the rollups count signal rows for */
  watchedPrefixes: WatchedPrefixList;
}

export function prepareSqliteParts(db: SqliteDatabase): SqliteParts {
  const watchedPrefixes = new WatchedPrefixList();
  const rollups = new SqliteRollupBuffer(db, new SqliteWindows(db), new SqliteRollupWriter(db), watchedPrefixes);
  const replayClaims = new SqliteReplayClaims(db);
  const agentIds = new SqliteAgentIds(db);
  return {
    accounts: new SqliteAccounts(db),
    services: new SqliteServices(db),
    rollups,
    writer: new SqliteEventsWriter(db, rollups, replayClaims, agentIds),
    queries: new SqliteQueries(db),
    maintenance: new SqliteMaintenance(db, rollups, replayClaims, agentIds),
    serviceData: new SqliteServiceData(db, rollups, replayClaims),
    alertCounts: new SqliteAlertCounts(db),
    watchedPrefixes,
  };
}
