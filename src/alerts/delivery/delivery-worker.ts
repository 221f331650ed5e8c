/**
 * Sends due deliveries: every process runs one. Each second (and at once
 * when woken: a test send, a transition this process recorded) it claims
 * the due pending deliveries with a lease, sends each once, records the
 * attempt and what comes next (retry-policy.ts). The lease, longer than an
 * attempt can take, is what keeps two processes from sending the same
 * delivery at once; a process that dies mid-send leaves it to run out, and
 * another then sends again with the same webhook-id. Once an hour it also
 * deletes deliveries settled more than 30 days ago: the log a channel shows
 * is its latest deliveries, and the table would otherwise only grow.
 */
import type { Clock } from '../../clock.js';
import type { AlertChannelStore, ClaimedDelivery } from '../../store/alert-channel-store.js';
import { nextStep } from './retry-policy.js';
import type { SendDelivery } from './send-delivery.js';

export const POLL_MS = 1_000;
/** six attempt deadlines: a send still running when it ends has long failed */
export const LEASE_MS = 60_000;
/** deliveries claimed and sent at once; more due are taken right after */
export const CLAIM_BATCH = 10;
/** how long a settled delivery stays in the log */
export const DELIVERY_LOG_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
/** rows per prune statement: a few ms of work, so sends are not held up */
const PRUNE_CHUNK = 1_000;

export interface DeliveryWorkerDeps {
  store: Pick<AlertChannelStore, 'claimDueDeliveries' | 'recordAttempt' | 'pruneDeliveries'>;
  send: SendDelivery;
  clock: Clock;
  log: { error(message: string, error?: unknown): void };
  pollMs?: number;
  leaseMs?: number;
}

export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wokenWhileRunning = false;
  private stopped = false;
  private failing = false;
  private prunedAt: number | null = null;

  constructor(private readonly deps: DeliveryWorkerDeps) {}

  start(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = setInterval(() => this.wake(), this.deps.pollMs ?? POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /** look for due deliveries now (or right after the round under way) */
  wake(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.wokenWhileRunning = true;
      return;
    }
    this.running = this.drain()
      .then(() => {
        this.failing = false;
      })
      .catch((error: unknown) => {
        // once per outage, not once a second: the database out of reach says so elsewhere too
        if (!this.failing) this.deps.log.error('sending alert deliveries failed (will retry each second)', error);
        this.failing = true;
      })
      .finally(() => {
        this.running = null;
        if (this.wokenWhileRunning && !this.stopped) {
          this.wokenWhileRunning = false;
          this.wake();
        }
      });
  }

  /** stops polling and waits for the sends under way (an attempt's deadline at most) */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** one claim and its sends: the number of deliveries sent (for tests, which drive it by hand) */
  async runOnce(): Promise<number> {
    const now = this.deps.clock();
    const claimed = await this.deps.store.claimDueDeliveries(now, now + (this.deps.leaseMs ?? LEASE_MS), CLAIM_BATCH);
    await Promise.all(claimed.map((one) => this.attempt(one)));
    return claimed.length;
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.runOnce()) === CLAIM_BATCH) {
      // a full batch: more may be due
    }
    const now = this.deps.clock();
    if (this.prunedAt === null || now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.pruneLog(now);
    }
  }

  /** deletes settled deliveries older than the log keeps (every process does it; the second finds nothing) */
  async pruneLog(now: number): Promise<number> {
    let total = 0;
    for (let chunk = 0; chunk < 100 && !this.stopped; chunk++) {
      const deleted = await this.deps.store.pruneDeliveries(now - DELIVERY_LOG_MS, PRUNE_CHUNK);
      total += deleted;
      if (deleted < PRUNE_CHUNK) break;
    }
    return total;
  }

  private async attempt({ delivery, channel }: ClaimedDelivery): Promise<void> {
    const startedAt = this.deps.clock();
    let outcome: Awaited<ReturnType<SendDelivery>>;
    try {
      outcome = await this.deps.send({ delivery, channel });
    } catch (error) {
      // a bug in rendering or sending: recorded as a failed attempt, so the log shows it and it is retried
      this.deps.log.error(`alert delivery ${delivery.id} failed unexpectedly`, error);
      outcome = {
        status: null,
        answer: null,
        error: `internal error: ${(error as Error).message}`,
        retryAfterMs: null,
        permanent: false,
        durationMs: 0,
      };
    }
    const attempt = delivery.attempts + 1;
    const next = nextStep(outcome, { createdAt: delivery.createdAt, attempts: attempt }, this.deps.clock());
    await this.deps.store.recordAttempt({
      deliveryId: delivery.id,
      attempt: {
        attempt,
        at: startedAt,
        durationMs: outcome.durationMs,
        status: outcome.status,
        answer: outcome.answer,
        error: outcome.error,
      },
      deliveryStatus: next.status,
      nextAttemptAt: next.status === 'pending' ? next.nextAttemptAt : delivery.nextAttemptAt,
    });
  }
}
