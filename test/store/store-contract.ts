import { describe } from 'node:test';
import { describeAccountStoreContract } from './contract/account-contract.js';
import { describeAlertChannelStoreContract } from './contract/alert-channel-contract.js';
import { describeAlertRuleStoreContract } from './contract/alert-rule-contract.js';
import type { OpenStore } from './contract/context.js';
import { describeEventStoreContract } from './contract/event-contract.js';
import { describeOperations } from './contract/operations.js';

/**
 * The behaviour every backend must have, written once: each backend's test
 * file calls this with a function that opens a fresh, migrated store. Its
 * two halves have contracts of their own; what concerns both (migrations,
 * removing a service with its events) is checked on the whole.
 */
export function describeStoreContract(name: string, open: OpenStore): void {
  describeAccountStoreContract(name, open);
  describeEventStoreContract(name, open);
  describeAlertChannelStoreContract(name, open);
  describeAlertRuleStoreContract(name, open);
  describe(`${name} store`, () => {
    describeOperations(open);
  });
}
