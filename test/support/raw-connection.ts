/**
 * A raw TCP connection to a server, for tests about how it treats senders
 * that send slowly, partly or not at all: what it answers, and when it closes.
 */
import net from 'node:net';

export class RawConnection {
  readonly socket: net.Socket;
  /** performance.now() when it connected */
  openedAt = 0;
  /** performance.now() when it closed, either side; null while open */
  closedAt: number | null = null;
  #received = '';
  #closeWaiters: (() => void)[] = [];

  private constructor(port: number, host: string) {
    this.socket = net.connect({ port, host });
    this.socket.on('data', (chunk: Buffer) => {
      this.#received += chunk.toString('latin1');
    });
    // a reset is one more way for the server to close: what the tests look at is when
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closedAt = performance.now();
      for (const resolve of this.#closeWaiters) resolve();
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    const connection = new RawConnection(port, host);
    return new Promise((resolve, reject) => {
      connection.socket.once('connect', () => {
        connection.openedAt = performance.now();
        resolve(connection);
      });
      connection.socket.once('close', () => reject(new Error('closed before it connected')));
    });
  }

  get isClosed(): boolean {
    return this.closedAt !== null;
  }

  /** Writes `text`, unless the server has closed the connection already. */
  write(text: string | Buffer): void {
    if (!this.isClosed && this.socket.writable) this.socket.write(text);
  }

  /** Resolves once the connection is closed, or after `timeoutMs` (then isClosed says it was not). */
  closed(timeoutMs: number): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#closeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The status of every answer received so far, in order. */
  statuses(): number[] {
    return [...this.#received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
  }

  /** Writes `pieces` one by one, `everyMs` apart, stopping when the server closes the connection. */
  async trickle(pieces: readonly (string | Buffer)[], everyMs: number): Promise<void> {
    for (const piece of pieces) {
      if (this.isClosed) return;
      this.write(piece);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
