/**
 * The deadlines node:http does not keep as docs/security.md states them, on the
 * connections it reads. node:http closes a connection whose head is late
 * (headersTimeout) or that idles past keepAliveTimeout; but its
 * requestTimeout counts from the head's first byte, so a body gets whatever
 * the head left of it. Here a body gets its own deadline from the moment its
 * head is in; and a connection the socket front hands over keeps the head
 * deadline it had (node:http would start a new one, from the hand-over).
 *
 * One watch per connection, checked by the deadline sweep: per request a few
 * field writes, no timer and no listener.
 */
import type http from 'node:http';
import type net from 'node:net';
import type { ConnectionLimits } from './connection-limits.js';
import type { Deadline, DeadlineSweep } from './deadline-sweep.js';

/** What node:http writes when a request does not arrive in time; tmon's own deadlines write the same. */
export const REQUEST_TIMEOUT_ANSWER = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';

export class HttpDeadlines {
  readonly #watches = new WeakMap<net.Socket, ConnectionWatch>();

  constructor(
    private readonly sweep: DeadlineSweep,
    private readonly limits: ConnectionLimits,
  ) {}

  /** A request's head is in: its body has until the body deadline (nothing to wait for once it is complete). */
  onRequest(request: http.IncomingMessage, response: http.ServerResponse): void {
    const watch = this.#watch(request.socket);
    watch.request = request;
    watch.response = response;
    watch.deadline = performance.now() + this.limits.bodyTimeoutMs;
  }

  /** A connection the socket front hands to node:http in the middle of a head: the head's deadline stays. */
  handedOver(socket: net.Socket, headDeadline: number): void {
    const watch = this.#watch(socket);
    watch.request = null;
    watch.response = null;
    watch.deadline = headDeadline;
  }

  #watch(socket: net.Socket): ConnectionWatch {
    let watch = this.#watches.get(socket);
    if (watch === undefined) {
      const created = new ConnectionWatch(socket);
      this.#watches.set(socket, created);
      this.sweep.watch(created);
      socket.once('close', () => this.sweep.unwatch(created));
      watch = created;
    }
    return watch;
  }
}

class ConnectionWatch implements Deadline {
  deadline = 0;
  /** the request whose body is awaited; null: a head is */
  request: http.IncomingMessage | null = null;
  response: http.ServerResponse | null = null;

  constructor(private readonly socket: net.Socket) {}

  expire(): void {
    const { request, response, socket } = this;
    // the body was whole in time (checked only now: a request costs no listener)
    if (request?.complete === true) {
      this.deadline = 0;
      return;
    }
    // as node:http answers its own timeouts: a 408 unless an answer has started
    if (socket.writable && (response === null || !response.headersSent)) socket.write(REQUEST_TIMEOUT_ANSWER);
    socket.destroy();
  }
}
