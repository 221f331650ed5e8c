/**
 * Keeps a few batches in flight at once: while tmon commits one batch the
 * next is already on the wire and the one after is being parsed, so the
 * import runs at tmon's pace instead of paying a round trip per batch. The
 * bound keeps memory flat and leaves tmon room for its other senders. The
 * first batch that cannot be sent stops the queue: add() and finish() throw
 * its error, and nothing more is sent.
 */
import type { BatchResult, OutgoingEvent } from './batch-sender.js';

export class BatchQueue {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;
  /** aborted at the first failure: the batches still on their way stop retrying, so the command ends promptly */
  private readonly stop = new AbortController();

  constructor(
    private readonly send: (batch: readonly OutgoingEvent[], signal: AbortSignal) => Promise<BatchResult>,
    private readonly maxInFlight: number,
    private readonly onSent: (batch: readonly OutgoingEvent[], result: BatchResult) => void,
  ) {}

  /** Starts sending the batch once fewer than maxInFlight are on their way; throws once a batch has failed. */
  async add(batch: readonly OutgoingEvent[]): Promise<void> {
    while (this.inFlight.size >= this.maxInFlight && this.failure === null) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const sending = this.send(batch, this.stop.signal).then(
      (result) => this.onSent(batch, result),
      (error: unknown) => {
        // the first failure is the one to report; the others are the aborts it caused
        this.failure ??= error;
        this.stop.abort(error);
      },
    );
    const tracked = sending.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Waits for every batch on its way; throws the first failure. */
  async finish(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
