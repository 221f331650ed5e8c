import { describe } from 'node:test';
import type { OpenStore } from './context.js';
import { describeEvents } from './events.js';
import { describeQueries } from './queries.js';
import { describeRandomTraffic } from './random-traffic.js';
import { describeRankings } from './rankings.js';
import { describeServiceData } from './service-data.js';

/**
 * What the event half of every backend must do (src/store/event-store.ts),
 * checked through that interface only, so another event engine can be held
 * to it as it is.
 */
export function describeEventStoreContract(name: string, open: OpenStore): void {
  describe(`${name} event store`, () => {
    describeEvents(open);
    describeRankings(open);
    describeQueries(open);
    describeServiceData(open);
    describeRandomTraffic(open);
  });
}
