/** What the administrative subcommands share: the configuration and the two halves of an open, migrated store. */
import { type Accounts, createAccounts } from '../accounts/accounts.js';
import { systemClock } from '../clock.js';
import { type Config, loadProcessConfig } from '../config.js';
import type { AccountStore } from '../store/account-store.js';
import type { AlertChannelStore } from '../store/alert-channel-store.js';
import type { AlertRuleStore } from '../store/alert-rule-store.js';
import type { EventStore } from '../store/event-store.js';
import { migrateWithNotice } from '../store/migrate-with-notice.js';
import { openStore } from '../store/open-store.js';

export interface CliContext {
  config: Config;
  accountStore: AccountStore;
  eventStore: EventStore;
  accounts: Accounts;
  alertRules: AlertRuleStore;
  alertChannels: AlertChannelStore;
}

/** Runs `work` with the store of `--data` (or the configured one) and closes it afterwards. */
export async function withStore<T>(
  dataFlag: string | undefined,
  work: (context: CliContext) => Promise<T>,
): Promise<T> {
  const config = loadProcessConfig({ data: dataFlag });
  const store = await openStore(config);
  try {
    await migrateWithNotice(store, (message) => process.stderr.write(`tmon: ${message}\n`));
    const accounts = createAccounts({
      store: store.accounts,
      serviceData: store.events,
      clock: systemClock,
      secretGraceHours: config.secretGraceHours,
      sessionDays: config.sessionDays,
      maxServicesPerUser: config.maxServicesPerUser,
    });
    return await work({
      config,
      accountStore: store.accounts,
      eventStore: store.events,
      accounts,
      alertRules: store.alertRules,
      alertChannels: store.alertChannels,
    });
  } finally {
    await store.close();
  }
}
