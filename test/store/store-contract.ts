import { describe } from 'node:test';
import { describeAccounts } from './contract/accounts.js';
import type { OpenStore } from './contract/context.js';
import { describeEvents } from './contract/events.js';
import { describeOperations } from './contract/operations.js';
import { describeQueries } from './contract/queries.js';
import { describeRankings } from './contract/rankings.js';

/**
 * The behaviour every Store backend must have, written once: each backend's
 * test file calls this with a function that opens a fresh, migrated store.
 */
export function describeStoreContract(name: string, open: OpenStore): void {
  describe(`${name} store`, () => {
    describeAccounts(open);
    describeEvents(open);
    describeRankings(open);
    describeQueries(open);
    describeOperations(open);
  });
}
