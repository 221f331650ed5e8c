/**
 * The collect socket front: every connection to tmon's HTTP server starts
 * here. While its requests are plain collect requests (request-head.ts) the
 * front reads them off the socket, hands each body to the collect handler
 * and writes the answer itself; at the first request that is anything else
 * it hands the connection to node:http, unread bytes included, for good.
 *
 * Why: node:http's own work per request — its request and response objects,
 * their streams and events, the header objects — cost about as much CPU per
 * answer as tmon's store does per single event (~40 % of what a bare
 * node:http server spends per request; bench/README.md).
 * Collect requests are nearly all of tmon's traffic and need none of it.
 *
 * Per connection the front answers one request at a time, in order (HTTP/1.1
 * pipelining included), keeps the connection alive as node:http does
 * (Connection: close), and holds it to the deadlines of docs/security.md
 * (connection-limits.ts): a head within the head deadline of its first byte
 * (of the connection's opening, for its first request; of the previous
 * answer, for a request that came before it), a body within the body
 * deadline of its head, an idle connection closed at the keep-alive
 * deadline. The deadline sweep checks them: a field write per request.
 */
import type http from 'node:http';
import type net from 'node:net';
import { BODY_LIMITS } from '../../collect/endpoint.js';
import type { CollectBody } from '../../collect/identify.js';
import type { ConnectionLimits } from '../connection-limits.js';
import type { Deadline, DeadlineSweep } from '../deadline-sweep.js';
import { REQUEST_TIMEOUT_ANSWER } from '../http-deadlines.js';
import { encodeAnswer } from './answer.js';
import { answerOrInternalError, type CollectAnswer, type CollectHandler, type CollectLog } from './handle-collect.js';
import { type HeadReading, MAX_HEAD_BYTES, readCollectHead } from './request-head.js';
import { writeAnswer } from './wire-answer.js';

export interface SocketFrontDeps {
  handle: CollectHandler;
  log: CollectLog & { debug(details: { err: unknown }, message: string): void };
  /** TMON_DEBUG: an internal error's message goes into the answer, as on fastify's routes */
  debug: boolean;
}

/** what the front shares with the server it sits in */
export interface FrontSetup {
  limits: ConnectionLimits;
  /** checks the front's connections' deadlines */
  sweep: DeadlineSweep;
  /** a connection handed to node:http keeps the head deadline it had */
  handedOver(socket: net.Socket, headDeadline: number): void;
}

export interface SocketFront {
  /**
   * The server is closing: idle connections (and those holding part of a
   * request) are closed, a request being answered gets its answer with
   * Connection: close, and connections accepted from now on go to node:http
   * (fastify answers 503 while it closes).
   */
  stop(): void;
}

type CollectHead = Extract<HeadReading, { read: 'collect' }>;

/** read ahead of the request being answered (pipelined requests) before the socket is paused */
const MAX_READ_AHEAD = MAX_HEAD_BYTES + BODY_LIMITS.json;

interface FrontContext extends SocketFrontDeps, FrontSetup {
  server: http.Server;
  isOpen(): boolean;
  /** node:http's own connection listener: the connection is node:http's from here on */
  toHttp(socket: net.Socket): void;
  forget(connection: FrontConnection): void;
}

/** Puts the front before `server`'s own handling of connections (a server fresh from http.createServer). */
export function installSocketFront(server: http.Server, deps: SocketFrontDeps & FrontSetup): SocketFront {
  const listeners = server.listeners('connection') as ((socket: net.Socket) => void)[];
  const httpListener = listeners[0];
  if (httpListener === undefined || listeners.length !== 1) {
    throw new Error(`installSocketFront: expected node:http's connection listener alone, found ${listeners.length}`);
  }
  server.removeListener('connection', httpListener);
  const connections = new Set<FrontConnection>();
  let open = true;
  const context: FrontContext = {
    ...deps,
    server,
    isOpen: () => open && server.listening,
    toHttp: (socket) => httpListener.call(server, socket),
    forget: (connection) => {
      connections.delete(connection);
      deps.sweep.unwatch(connection);
    },
  };
  server.on('connection', (socket: net.Socket) => {
    if (context.isOpen()) connections.add(new FrontConnection(socket, context));
    else context.toHttp(socket);
  });
  return {
    stop() {
      open = false;
      for (const connection of connections) connection.stop();
    },
  };
}

class FrontConnection implements Deadline {
  /** when the current phase must be over (performance.now() ms; 0: none, while an answer is awaited) */
  deadline: number;
  /** bytes read and not yet used, in arrival order */
  #unread: Buffer[] = [];
  #unreadBytes = 0;
  /** the head of the request whose body is awaited */
  #head: CollectHead | null = null;
  /** a request's answer is awaited, or not yet taken by the socket: nothing more is read until it is */
  #answering = false;
  /** the sender has finished sending (FIN): answer what is being answered, then end */
  #ended = false;
  /** answered with nothing unread: the next byte starts a request, and its head deadline */
  #idle = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly context: FrontContext,
  ) {
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    socket.on('end', this.#onEnd);
    // a new connection's first head is due a head deadline after its opening, as on node:http
    this.deadline = performance.now() + context.limits.headTimeoutMs;
    context.sweep.watch(this);
    // as node:http has its sockets: without it Nagle held answers back behind unacknowledged ones, which
    // showed as a higher collect p99 in bench:live
    socket.setNoDelay(true);
  }

  /** Closing: an idle connection, or one with part of a request, is closed now (as fastify closes node:http's). */
  stop(): void {
    if (!this.#answering) this.socket.destroy(); // else the answer goes out with Connection: close
  }

  /** Past its deadline: a request begun gets node:http's 408 for it; an idle connection, or an answer unread, just closes. */
  expire(): void {
    const { socket } = this;
    if (socket.writable && !this.#answering && this.#unreadBytes > 0) socket.write(REQUEST_TIMEOUT_ANSWER);
    socket.destroy();
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#idle) {
      this.#idle = false;
      this.deadline = performance.now() + this.context.limits.headTimeoutMs;
    }
    this.#unread.push(chunk);
    this.#unreadBytes += chunk.length;
    if (!this.#answering) this.#readRequests();
    else if (this.#unreadBytes > MAX_READ_AHEAD) this.socket.pause();
  };

  readonly #onError = (error: Error): void => {
    // the sender went away (reset, broken pipe): nobody is left to answer
    this.context.log.debug({ err: error }, 'collect: the connection failed');
    this.socket.destroy();
  };

  readonly #onClose = (): void => {
    this.context.forget(this);
    if (this.#unreadBytes > 0 || this.#head !== null) {
      const error = new Error(`the connection closed with ${this.#unreadBytes} bytes of a request unanswered`);
      this.context.log.debug({ err: error }, 'collect: the request body was cut off');
    }
  };

  // node:http's sockets stay half-open when the sender ends its side: the answer in progress may still go out
  readonly #onEnd = (): void => {
    this.#ended = true;
    if (!this.#answering) this.socket.end();
  };

  /** Reads and answers the requests in the unread bytes, one at a time, until one is incomplete or not collect. */
  #readRequests(): void {
    while (!this.#answering && this.#unreadBytes > 0 && !this.socket.destroyed) {
      if (this.#head === null) {
        const reading = readCollectHead(this.#joined());
        if (reading.read === 'incomplete') return; // the head deadline runs
        if (reading.read === 'elsewhere' || !this.context.isOpen()) {
          this.#handOver();
          return;
        }
        this.#head = reading;
        // the body's deadline counts from its head (nearly always the body came with it)
        if (this.#unreadBytes < reading.headBytes + reading.bodyBytes) {
          this.deadline = performance.now() + this.context.limits.bodyTimeoutMs;
        }
      }
      const head = this.#head;
      const end = head.headBytes + head.bodyBytes;
      if (this.#unreadBytes < end) return; // the body deadline runs
      const bytes = this.#joined();
      const text = bytes.toString('utf8', head.headBytes, end);
      this.#unread = end === bytes.length ? [] : [bytes.subarray(end)];
      this.#unreadBytes -= end;
      this.#head = null;
      this.deadline = 0; // the answer is ours to give: no deadline for the sender until it is out
      this.#answer(head, text);
    }
  }

  #answer(head: CollectHead, text: string): void {
    this.#answering = true;
    const { handle, log, debug } = this.context;
    const { kind, authorization } = head;
    const body: CollectBody = authorization === undefined ? { kind, text } : { kind, text, authorization };
    void answerOrInternalError(handle, body, log, debug).then((answer) => this.#written(head, answer));
  }

  #written(head: CollectHead, answer: CollectAnswer): void {
    const { socket } = this;
    if (socket.destroyed) {
      this.#answering = false;
      return;
    }
    const { keepAliveTimeoutMs } = this.context.limits;
    const close = head.close || !this.context.isOpen();
    writeAnswer(socket, encodeAnswer(answer, head.acceptEncoding), close, keepAliveTimeoutMs);
    if (close) {
      socket.end();
      this.#unread = [];
      this.#unreadBytes = 0;
      // the sender has as long as an idle connection to close its side
      this.deadline = performance.now() + keepAliveTimeoutMs;
      return;
    }
    // a sender that does not read its answers is not read either (as node:http does), until they drain, and
    // not for longer than a connection may idle
    if (socket.writableNeedDrain) {
      this.deadline = performance.now() + keepAliveTimeoutMs;
      socket.once('drain', this.#onDrain);
      return;
    }
    this.#readOn();
  }

  readonly #onDrain = (): void => {
    this.#readOn();
  };

  /** The answer is out: on to the requests read meanwhile. */
  #readOn(): void {
    this.#answering = false;
    const { limits } = this.context;
    // a request that came before this answer has its head deadline counted from it
    if (this.#unreadBytes > 0) this.deadline = performance.now() + limits.headTimeoutMs;
    else {
      this.#idle = true;
      this.deadline = performance.now() + limits.keepAliveTimeoutMs;
    }
    if (this.socket.isPaused()) this.socket.resume();
    this.#readRequests();
    if (this.#ended && !this.#answering) this.socket.end();
  }

  /**
   * The connection is node:http's from here on, starting with the unread
   * bytes. Paused first, so that node:http's data listener does not find the
   * socket flowing: the unread bytes wait in the stream's buffer until the
   * resume below lets them flow to node:http's parser, ahead of anything the
   * socket reads later.
   */
  #handOver(): void {
    const { socket } = this;
    if (this.#ended) {
      // node:http cannot read a stream that has ended (unshift would fail): the sender is done sending, so are
      // we, once the answers already written have gone out
      socket.end();
      return;
    }
    this.context.forget(this);
    socket.off('data', this.#onData);
    socket.off('error', this.#onError);
    socket.off('close', this.#onClose);
    socket.off('end', this.#onEnd);
    socket.pause();
    if (this.#unreadBytes > 0) socket.unshift(this.#joined());
    this.#unread = [];
    this.#unreadBytes = 0;
    this.context.toHttp(socket);
    this.context.handedOver(socket, this.deadline);
    socket.resume();
  }

  /** The unread bytes as one buffer (copied together only when they arrived in pieces). */
  #joined(): Buffer {
    if (this.#unread.length > 1) this.#unread = [Buffer.concat(this.#unread, this.#unreadBytes)];
    return this.#unread[0] as Buffer;
  }
}
