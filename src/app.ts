/**
 * buildApp(deps) → a fastify instance with every route; it never listens, so
 * tests inject requests and the CLI decides where to listen.
 */
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Accounts } from './accounts/accounts.js';
import type { AlertRules } from './alerts/alert-rules.js';
import type { AlertDeliveries } from './alerts/delivery/start-deliveries.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { IngestCounters } from './ingest/counters.js';
import type { CheckIngestToken } from './ingest/ingest-tokens.js';
import type { Collect, CollectTraces } from './ingest/pipeline.js';
import type { LiveChannels } from './live/live-channels.js';
import { type AppLogger, createLogger } from './log.js';
import type { AccountStore } from './store/account-store.js';
import type { EventStore } from './store/event-store.js';
import { adminRoutes } from './web/admin/routes.js';
import { tokenRoutes } from './web/admin/token-routes.js';
import { alertRoutes } from './web/alerts/routes.js';
import { authRoutes } from './web/auth/routes.js';
import { createCollectFastPath } from './web/collect/fast-path.js';
import { createCollectHandler } from './web/collect/handle-collect.js';
import { collectRoutes } from './web/collect/routes.js';
import { connectionLimits } from './web/connection-limits.js';
import { liveRoute } from './web/data/live-route.js';
import { dataRoutes } from './web/data/routes.js';
import { installErrorHandler } from './web/errors.js';
import { installNoSniff } from './web/no-sniff.js';
import { openApiRoute, registerOpenApi } from './web/ops/openapi.js';
import { opsRoutes } from './web/ops/ops-routes.js';
import { otlpRoutes } from './web/otlp/routes.js';
import { faviconRoutes } from './web/page-shell/favicon.js';
import { assetRoutes, type LoadedUiAssets } from './web/page-shell/ui-assets.js';
import { configuredOrigin } from './web/pages/reached-origin.js';
import { pageRoutes } from './web/pages/routes.js';
import { redisWithLocalFallback } from './web/rate-limit-store.js';
import { lazyChildLogger, requestLogController } from './web/request-logging.js';
import { formatValidationErrors } from './web/validation-message.js';

/**
 * Answers up to this size are gzipped in one synchronous call rather than
 * through a stream: every answer of the query API fits (the largest, 5,000
 * map points, is ~650 KB). Larger ones stream.
 */
const COMPRESS_SYNC_BYTES = 1024 * 1024;

export interface AppDeps {
  config: Config;
  accountStore: AccountStore;
  eventStore: EventStore;
  accounts: Accounts;
  collect: Collect;
  /** POST /v1/traces: OTLP trace exports */
  collectTraces: CollectTraces;
  /** bearer batches' tokens, checked by the collect route before it reads a large body */
  checkIngestToken: CheckIngestToken;
  channels: LiveChannels;
  counters: IngestCounters;
  queuedEvents: () => number;
  clock: Clock;
  /** the built dashboard (dist/ui), read once */
  assets: LoadedUiAssets;
  /** docs/index.md as HTML, for `/` */
  docsHtml: string;
  /** with TMON_REDIS_URL: login rate limits are counted in Redis, so they hold across processes */
  rateLimitRedis?: Redis;
  /** alert rules as the API uses them */
  alertRules: AlertRules;
  /** alert channels (and the worker a test send wakes) */
  alertDeliveries: Pick<AlertDeliveries, 'channels'>;
  /** the process's logger; tests leave it out and get fastify's own at the configured level */
  logger?: AppLogger;
  /** false: node:http reads every connection, no socket front (tests compare the two ways); default true */
  collectSocketFront?: boolean;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const handleCollect = createCollectHandler({ collect: deps.collect, debug: config.debug });
  const limits = connectionLimits(config);
  const collectFastPath = createCollectFastPath({
    handle: handleCollect,
    log: logger,
    debug: config.debug,
    limits,
    socketFront: deps.collectSocketFront ?? true,
  });
  const app = Fastify({
    loggerInstance: logger,
    // plain collect requests are answered off the socket, before node:http and fastify (web/collect/); the
    // server it makes holds every connection to `limits` (web/connection-limits.ts): fastify's own
    // connectionTimeout, keepAliveTimeout and requestTimeout apply only to servers it makes itself
    serverFactory: collectFastPath.serverFactory,
    // fastify accepts a hop count at run time; its typings only list the other forms
    trustProxy: config.trustProxy as boolean | string,
    bodyLimit: 64 * 1024,
    // dashboards hold SSE streams open: on close, do not wait for idle keep-alive sockets
    forceCloseConnections: true,
    schemaErrorFormatter: formatValidationErrors,
    logController: requestLogController(),
    childLoggerFactory: lazyChildLogger,
    ajv: { customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false } },
  });

  installErrorHandler(app, config.debug);
  // closing, fastify answers new requests 503 (they would not see their commit): so must collect
  app.addHook('preClose', async () => collectFastPath.stop());
  // first: it describes the routes registered after it (/api/openapi.json)
  await registerOpenApi(app);
  // POST /data/collect, the busiest route by far, sits beside the rest rather than under the plugins
  // below: a hook a plugin adds to a context reaches every context inside it, so the collect route
  // would run the cookie and compression hooks on every request (~10 % more CPU per answer, see
  // bench/README.md). It parses its own bodies and gzips its own answers.
  await app.register(collectRoutes, {
    handle: handleCollect,
    counters: deps.counters,
    checkIngestToken: deps.checkIngestToken,
  });
  // OTLP exporters send batches of spans, beside collect for the same reason, with their own parsers
  await app.register(otlpRoutes, {
    collectTraces: deps.collectTraces,
    counters: deps.counters,
    checkIngestToken: deps.checkIngestToken,
    debug: config.debug,
  });
  await app.register(async (web) => {
    installNoSniff(web);
    await web.register(cookie);
    await web.register(formbody, { bodyLimit: 64 * 1024 });
    // with Redis, counted there and in this process while Redis is out of reach (web/rate-limit-store.ts)
    const store = deps.rateLimitRedis ? redisWithLocalFallback(deps.rateLimitRedis, logger) : undefined;
    await web.register(rateLimit, { global: false, ...(store ? { store } : {}) });
    // the original answered gzipped: every response is, when the client accepts it (SSE excepted, per route)
    // level 1: JSON answers come out a little larger than at the default 6 but about three times
    // faster, which a live dashboard's queries want more. Compressed in one call up to
    // COMPRESS_SYNC_BYTES: the plugin's default (8 KiB) sent the world map's points and the series
    // through a zlib stream per answer, a fresh zlib context and a round of the thread pool each.
    await web.register(compress, {
      global: true,
      threshold: 0,
      syncThreshold: COMPRESS_SYNC_BYTES,
      encodings: ['gzip', 'deflate'],
      zlibOptions: { level: 1 },
    });

    await web.register(authRoutes, {
      accounts: deps.accounts,
      cookieSecurity: config.cookieSecurity,
      assets: deps.assets,
    });
    await web.register(pageRoutes, {
      store: deps.accountStore,
      accounts: deps.accounts,
      assets: deps.assets,
      docsHtml: deps.docsHtml,
      configuredOrigin: configuredOrigin(config.host, config.port),
    });
    await web.register(assetRoutes, { assets: deps.assets });
    await web.register(faviconRoutes);
    await web.register(adminRoutes, { store: deps.accountStore, accounts: deps.accounts });
    await web.register(tokenRoutes, { store: deps.accountStore, accounts: deps.accounts });
    await web.register(alertRoutes, {
      accounts: deps.accounts,
      rules: deps.alertRules,
      channels: deps.alertDeliveries.channels,
    });
    await web.register(dataRoutes, { store: deps.eventStore, accounts: deps.accounts, clock: deps.clock });
    await web.register(liveRoute, {
      store: deps.eventStore,
      accounts: deps.accounts,
      channels: deps.channels,
      clock: deps.clock,
      maxStreamsPerUser: config.maxStreamsPerUser,
      maxStreams: config.maxStreams,
    });
    await web.register(openApiRoute);
    await web.register(opsRoutes, {
      accounts: deps.accounts,
      counters: deps.counters,
      queuedEvents: deps.queuedEvents,
    });
  });
  return app;
}
