/**
 * The store as the server opens it: SQLite on its writer thread, with the
 * account and service lookups answered on the calling thread from a
 * connection of their own (worker-store.ts). The same contract as the
 * inline store: a lookup right after a write through the writer thread sees it.
 */
import { withTempWorkerStore } from '../support/temp-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite through the writer thread', withTempWorkerStore);
