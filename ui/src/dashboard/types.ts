/**
 * The query API's JSON shapes as the dashboard reads them: derived from the
 * server's own answer schemas (src/web/data/answers.ts, the schemas the routes
 * serialise with and /api/openapi.json describes), so a change there that the
 * dashboard does not follow fails `npm run typecheck`. Type-only imports: the
 * build erases them, no server code reaches the browser.
 */
import type { ServiceInfo } from '../../../src/web/admin/answers.js';
import type { PresentedEvent } from '../../../src/web/data/answers.js';

export type {
  CityRow,
  CountryRow,
  EventsFrame,
  LiveCounts,
  LocationPoint,
  SeriesBucket,
  SnapshotFrame,
} from '../../../src/web/data/answers.js';

/** an event as GET /$wsid/data/latest and the live stream send it */
export type LiveEvent = PresentedEvent;

export type RankWindow = '5m' | '10m' | '1h' | '24h' | '7d' | '30d' | 'all';
export const RANK_WINDOWS: readonly RankWindow[] = ['5m', '10m', '1h', '24h', '7d', '30d', 'all'];

export type SimpleDimension = 'os' | 'device' | 'browser' | 'url';

/** What the dashboard's service menu reads of GET /api/services */
export type ServiceSummary = Pick<ServiceInfo, 'id' | 'name' | 'owner'>;
