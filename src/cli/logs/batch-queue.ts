/**
 * Keeps a few batches in flight at once: while tmon commits one batch the
 * next is already on the wire and the one after is being parsed, so the
 * import runs at tmon's pace instead of paying a round trip per batch. The
 * bound keeps memory flat and leaves tmon room for its other senders. The
 * first batch that cannot be sent stops the queue: add() and finish() throw
 * its error, and nothing more is sent.
 *
 * Oldest lines first: batches in flight together are committed in the order
 * tmon finishes reading them, so only batches of the same size may overlap.
 * The first batch goes alone (its answer also says tmon is there), and a
 * short batch, the run's last, waits until every batch ahead of it is
 * acknowledged: sent alongside a full one it would be read and committed
 * first. A batch that is retried can still be stored after the ones behind
 * it; the line ids keep the store whole either way.
 */
import type { BatchResult, OutgoingEvent } from './batch-sender.js';

export class BatchQueue<Batch = readonly OutgoingEvent[]> {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;
  private acknowledged = false;
  /** aborted at the first failure: the batches still on their way stop retrying, so the command ends promptly */
  private readonly stop = new AbortController();

  constructor(
    private readonly send: (batch: Batch, signal: AbortSignal) => Promise<BatchResult>,
    private readonly maxInFlight: number,
    private readonly onSent: (batch: Batch, result: BatchResult) => void,
  ) {}

  /** Starts sending a full-sized batch once there is room for it; throws once a batch has failed. */
  async add(batch: Batch): Promise<void> {
    await this.waitUntilFewerThan(this.acknowledged ? this.maxInFlight : 1);
    this.start(batch);
  }

  /** Starts sending a short batch once every batch ahead of it is acknowledged, so it cannot overtake them. */
  async addLast(batch: Batch): Promise<void> {
    await this.waitUntilFewerThan(1);
    this.start(batch);
  }

  /** Waits for every batch on its way; throws the first failure. */
  async finish(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private async waitUntilFewerThan(limit: number): Promise<void> {
    while (this.inFlight.size >= limit && this.failure === null) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private start(batch: Batch): void {
    const sending = this.send(batch, this.stop.signal).then(
      (result) => {
        this.acknowledged = true;
        this.onSent(batch, result);
      },
      (error: unknown) => {
        // the first failure is the one to report; the others are the aborts it caused
        this.failure ??= error;
        this.stop.abort(error);
      },
    );
    const tracked = sending.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
