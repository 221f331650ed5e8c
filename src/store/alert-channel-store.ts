/**
 * Alert channels and their deliveries: where a service's notifications go,
 * each notification's way to each channel, and every attempt made.
 *
 * Deliveries of transitions are inserted by the alert rule store, in the
 * transaction that records the transition (alert-rule-store.ts): one
 * transition, one delivery per channel. This store inserts only "send a
 * test" deliveries, and moves deliveries along: a process claims due ones
 * with a lease (no other process takes them until it runs out), sends, and
 * records the attempt, which also ends the lease. A process that dies
 * mid-send leaves the lease to run out; another then sends again, with the
 * same message id, so receivers can drop the repeat.
 */

export type AlertChannelKind = 'webhook' | 'slack' | 'discord' | 'email';
export const ALERT_CHANNEL_KINDS: readonly AlertChannelKind[] = ['webhook', 'slack', 'discord', 'email'];

/** A channel as listed: never its secret. */
export interface AlertChannel {
  id: number;
  serviceId: number;
  name: string;
  kind: AlertChannelKind;
  /** the URL, or the e-mail addresses, comma-separated */
  target: string;
  createdAt: number;
}

/** A channel with its signing secret (webhooks; null for the other kinds): for the sender, and once for its creator. */
export interface AlertChannelWithSecret extends AlertChannel {
  secret: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'gave_up';

export interface AlertDelivery {
  id: number;
  channelId: number;
  /** null: a "send a test" */
  transitionId: number | null;
  /** the webhook-id: the same on every attempt */
  messageId: string;
  /** the notification, as JSON (alerts/notification.ts) */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastAnswer: string | null;
  lastError: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  at: number;
  durationMs: number;
  /** HTTP status or SMTP reply code; null when nothing answered */
  status: number | null;
  /** the first 512 bytes of the answer */
  answer: string | null;
  error: string | null;
}

/** A delivery a process holds the lease of, with the channel to send it to. */
export interface ClaimedDelivery {
  delivery: AlertDelivery;
  channel: AlertChannelWithSecret;
}

export interface LoggedDelivery extends AlertDelivery {
  /** oldest first */
  attemptLog: DeliveryAttempt[];
}

export interface RecordedAttempt {
  deliveryId: number;
  attempt: DeliveryAttempt;
  /** what the delivery becomes */
  deliveryStatus: DeliveryStatus;
  /** when still pending: when to try again (otherwise kept as it was) */
  nextAttemptAt: number;
}

export interface AlertChannelStore {
  /** `secret`: a webhook's, made by the caller; null for the other kinds */
  createChannel(input: {
    serviceId: number;
    name: string;
    kind: AlertChannelKind;
    target: string;
    secret: string | null;
    now: number;
  }): Promise<AlertChannelWithSecret>;
  findChannel(id: number): Promise<AlertChannel | null>;
  /** a service's channels, by id */
  listChannels(serviceId: number): Promise<AlertChannel[]>;
  countChannels(serviceId: number): Promise<number>;
  /** changes the name and target (not the kind, nor the secret); null when there is no such channel */
  updateChannel(id: number, change: { name: string; target: string }): Promise<AlertChannel | null>;
  /** removes the channel with its deliveries and their attempts; true when it existed */
  removeChannel(id: number): Promise<boolean>;

  /** a pending delivery of a "send a test", due at once */
  insertTestDelivery(input: {
    channelId: number;
    messageId: string;
    payload: string;
    now: number;
  }): Promise<AlertDelivery>;
  /**
   * Takes up to `limit` pending deliveries due at `now` whose lease is free
   * (none, or run out), oldest due first, and leases them until `leaseUntil`:
   * until then no other call, in this process or another, returns them.
   */
  claimDueDeliveries(now: number, leaseUntil: number, limit: number): Promise<ClaimedDelivery[]>;
  /**
   * Records the attempt numbered `attempt.attempt` (the delivery's attempts + 1 when it was
   * claimed) and the delivery's next state, and frees the lease. False, and
   * nothing written, when that attempt was already recorded: the lease ran
   * out during the send and another process sent it again and recorded first.
   */
  recordAttempt(input: RecordedAttempt): Promise<boolean>;
  /** a channel's latest `limit` deliveries, newest first, each with its attempts */
  deliveryLog(channelId: number, limit: number): Promise<LoggedDelivery[]>;
  /**
   * Deletes up to `maxRows` settled deliveries (delivered or given up) last
   * due before `before`, with their attempts; pending ones are never deleted.
   * The number deleted.
   */
  pruneDeliveries(before: number, maxRows: number): Promise<number>;
}
