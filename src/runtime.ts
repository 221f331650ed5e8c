/**
 * The composition root: from a Config, open the store, the GeoIP data, the
 * live hub and the write buffer, wire the pipeline, and start the background
 * chores. `serve` and the tests both build tmon through here; `close()` stops
 * the chores and commits everything queued before closing the store.
 */

import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createAccounts } from './accounts/accounts.js';
import { type AlertRules, createAlertRules } from './alerts/alert-rules.js';
import { type AlertDeliveries, startAlertDeliveries } from './alerts/delivery/start-deliveries.js';
import { AlertEvaluator } from './alerts/evaluator.js';
import type { AppDeps } from './app.js';
import type { Clock } from './clock.js';
import { bearerTsWindow } from './collect/bearer-batch.js';
import type { Config } from './config.js';
import { createEnricher } from './enrich/enrich.js';
import { type GeoLocator, openGeoLocator } from './enrich/geoip.js';
import { createAgentParser } from './enrich/user-agent.js';
import { IngestCounters } from './ingest/counters.js';
import { createIngestTokenCheck } from './ingest/ingest-tokens.js';
import { createPipeline, createTracePipeline } from './ingest/pipeline.js';
import { createServiceDirectory } from './ingest/service-directory.js';
import { WriteBuffer } from './ingest/write-buffer.js';
import type { LiveHub } from './live/hub.js';
import { LiveChannels } from './live/live-channels.js';
import { createLocalHub } from './live/local-hub.js';
import { openRedisHub } from './live/redis-hub.js';
import { startChores } from './maintenance/chores.js';
import { packageRoot } from './package-root.js';
import { migrateWithNotice } from './store/migrate-with-notice.js';
import { openStore } from './store/open-store.js';
import { exposedPaths, exposureWarning } from './store/private-files.js';
import { SQLITE_DATA_FILE_NAMES } from './store/sqlite/database.js';
import { placeSqliteWriter } from './store/sqlite-writer-place.js';
import type { Store } from './store/store.js';
import { loadUiAssets } from './web/page-shell/ui-assets.js';
import { loadDocsHtml } from './web/pages/docs-page.js';

/** a group commit holds at most this many events: ~10–50 ms of SQLite work, so answers stay prompt */
const MAX_GROUP_EVENTS = 5_000;
/** beyond this, collect answers 503: the store is behind and memory must stay bounded */
const MAX_QUEUED_EVENTS = 100_000;

export interface Logger {
  info(message: string): void;
  /** something the operator should fix, tmon works on; without it such notices go to error() */
  warn?(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface Runtime extends AppDeps {
  hub: LiveHub;
  buffer: WriteBuffer;
  /** where events are stored, for the start-up line: "PostgreSQL", or the data directory and the SQLite writer's place */
  storage: string;
  /** alert channels and the worker sending their deliveries */
  alertDeliveries: AlertDeliveries;
  /** alert rules as the API and CLI use them */
  alertRules: AlertRules;
  /** evaluates the alert rules every TMON_ALERT_INTERVAL_SECONDS (evaluateNow() for tests) */
  alertEvaluator: AlertEvaluator;
  /** stops the chores, commits what is queued, closes hub and store */
  close(): Promise<void>;
}

export async function createRuntime(
  config: Config,
  clock: Clock,
  log: Logger,
  /** an open GeoIP locator to share (the demo's load generator uses the same ~130 MB of data) */
  shared: { geo?: GeoLocator } = {},
): Promise<Runtime> {
  const sqliteWriter = placeSqliteWriter(config, os.availableParallelism());
  const store: Store = await openStore(config, {
    sqliteWriter: sqliteWriter.place,
    onBackgroundError: (error) => log.error('background work of the store failed (it goes on)', error),
  });
  try {
    await migrateWithNotice(store, (message) => log.info(message));
    if (config.databaseUrl === null) {
      // checked once the store is open: a -wal made from an existing 0644 database is 0644 too
      const warning = exposureWarning(exposedPaths(config.dataDir, SQLITE_DATA_FILE_NAMES));
      if (warning !== null) (log.warn ?? log.error).call(log, warning);
    }
    const geo = shared.geo ?? (await openGeoLocator({ dbPath: config.geoipDb }));
    const hub = config.redisUrl
      ? await openRedisHub({ url: config.redisUrl, onError: (message, error) => log.error(message, error) })
      : createLocalHub((error) => log.error('live listener failed', error));
    const counters = new IngestCounters();
    const buffer = new WriteBuffer({
      store: store.events,
      clock,
      maxGroupEvents: MAX_GROUP_EVENTS,
      maxQueuedEvents: MAX_QUEUED_EVENTS,
      commitEachEvent: config.debug,
      onCommitted(writes, results) {
        counters.groupCommits++;
        results.forEach((result, i) => {
          if (!result.ok) return;
          counters.storedEvents += result.stored.length;
          hub.publish(writes[i]!.serviceId, result.stored);
        });
      },
    });
    const services = createServiceDirectory(store.accounts);
    const enrich = createEnricher({ geo, parseAgent: createAgentParser(), anonymizeIps: config.anonymizeIp });
    const accounts = createAccounts({
      store: store.accounts,
      serviceData: store.events,
      clock,
      secretGraceHours: config.secretGraceHours,
      sessionDays: config.sessionDays,
      onServiceChanged: (id) => services.forget(id),
      maxServicesPerUser: config.maxServicesPerUser,
    });
    const checkIngestToken = createIngestTokenCheck({ callerForToken: accounts.callerForToken, clock });
    const pipelineDeps = {
      services,
      enrich,
      buffer,
      clock,
      counters,
      checkIngestToken,
      bearerTsWindow: bearerTsWindow(config.retentionDays),
    };
    const collect = createPipeline(pipelineDeps);
    const collectTraces = createTracePipeline(pipelineDeps);
    const channels = new LiveChannels(hub, clock);
    // a command that gets no answer in 1 s fails, and login counts in this process instead (web/rate-limit-store.ts)
    const rateLimitRedis = config.redisUrl
      ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 1_000 })
      : undefined;
    // ioredis reports each failed reconnection (one every ~2 s during an outage): the first is enough
    let redisErrorReported = false;
    rateLimitRedis?.on('ready', () => {
      redisErrorReported = false;
    });
    rateLimitRedis?.on('error', (error) => {
      if (redisErrorReported) return;
      redisErrorReported = true;
      log.error(`redis (rate limits): ${error.message}; reconnecting`, error);
    });
    const root = packageRoot();
    const assets = loadUiAssets(path.join(root, 'dist', 'ui'));
    if (!assets.built) log.error('the dashboard is not built (dist/ui is missing): run npm run build');
    const chores = startChores({
      events: store.events,
      accounts: store.accounts,
      clock,
      retentionDays: config.retentionDays,
      log,
    });
    const alertDeliveries = startAlertDeliveries({
      config,
      store: store.alertChannels,
      accounts: store.accounts,
      clock,
      log,
    });
    const alertEvaluator = new AlertEvaluator({
      rules: store.alertRules,
      events: store.events,
      clock,
      publicUrl: config.publicUrl,
      onDeliveries: () => alertDeliveries.worker.wake(),
      log,
    });
    alertEvaluator.start(config.alertIntervalSeconds * 1000);

    return {
      config,
      accountStore: store.accounts,
      eventStore: store.events,
      accounts,
      collect,
      collectTraces,
      checkIngestToken,
      channels,
      counters,
      clock,
      hub,
      buffer,
      storage: config.databaseUrl ? 'PostgreSQL' : `${config.dataDir}, ${sqliteWriter.description}`,
      queuedEvents: () => buffer.queuedEvents,
      assets,
      docsHtml: loadDocsHtml(root),
      rateLimitRedis,
      alertDeliveries,
      alertRules: createAlertRules({ store: store.alertRules, clock }),
      alertEvaluator,
      async close() {
        chores.stop();
        await alertEvaluator.stop();
        await alertDeliveries.stop();
        channels.closeAll();
        await buffer.close();
        await hub.close();
        await rateLimitRedis?.quit();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
