import { describe } from 'node:test';
import { describeAccounts } from './accounts.js';
import type { OpenStore } from './context.js';

/** What the account half of every backend must do (src/store/account-store.ts). */
export function describeAccountStoreContract(name: string, open: OpenStore): void {
  describe(`${name} account store`, () => {
    describeAccounts(open);
  });
}
