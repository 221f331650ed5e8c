/**
 * tmon's HTTP server: every connection starts at the collect socket front
 * (socket-front.ts), which answers plain collect requests without node:http
 * and hands a connection to node:http at its first other request. On the
 * connections node:http reads, the collect fast path here still takes a
 * plain collect request (POST /data/collect, a form or JSON body of a
 * declared length within its limit), reads the body and answers through the
 * same handler as the fastify route, without fastify's request lifecycle.
 * Anything else, including every request the fast path would refuse, goes
 * to fastify, whose collect route answers it the same way: refusals have
 * one implementation. What both fast ways skip: docs/architecture.md.
 *
 * Why keep it beside the socket front: behind a proxy that pools its
 * connections to tmon (contrib/nginx's `keepalive`), dashboard and API
 * requests share them with collect requests, so those connections soon
 * belong to node:http and their collect requests come here. There it spent
 * about 8 % less CPU per single-event answer than the fastify route
 * (measured with both builds alternating in slices on one core; no
 * difference on batches of 100).
 */
import type http from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import { BODY_LIMITS, COLLECT_PATH, plainBodyKind } from '../../collect/endpoint.js';
import type { BodyKind, CollectBody } from '../../collect/identify.js';
import { type ConnectionLimits, type ConnectionLog, createLimitedServer } from '../connection-limits.js';
import { encodeAnswer } from './answer.js';
import { answerOrInternalError, type CollectAnswer } from './handle-collect.js';
import { installSocketFront, type SocketFront, type SocketFrontDeps } from './socket-front.js';

/** what both fast ways need (the handler, where to log, TMON_DEBUG), the server's limits, whether the socket front is on */
export interface FastPathDeps extends SocketFrontDeps {
  log: SocketFrontDeps['log'] & ConnectionLog;
  /** deadlines and the connection cap, on every way in (connection-limits.ts) */
  limits: ConnectionLimits;
  /** false: node:http reads every connection (the socket front's tests compare the two ways) */
  socketFront?: boolean;
}

export interface CollectFastPath {
  /** fastify's `serverFactory` */
  serverFactory: FastifyServerFactory;
  /** from now on every request goes to fastify, which answers 503 while it closes (call it in `preClose`) */
  stop(): void;
}

/**
 * The fast path and the node:http server it sits in: plain collect requests
 * to the fast path, every other request to fastify, the server held to
 * `deps.limits` on every way in (fastify's own timeout options are not used:
 * they are the limits' node:http share, set there).
 */
export function createCollectFastPath(deps: FastPathDeps): CollectFastPath {
  let open = true;
  const fronts: SocketFront[] = [];
  return {
    serverFactory: (fastifyHandler) => {
      const { server, sweep, httpDeadlines } = createLimitedServer(deps.limits, deps.log, (request, response) => {
        const kind = fastPathKind(request, open && server.listening);
        if (kind === null) fastifyHandler(request, response);
        else readAndAnswer(request, response, kind, deps);
      });
      if (deps.socketFront !== false) {
        const handedOver = httpDeadlines.handedOver.bind(httpDeadlines);
        fronts.push(installSocketFront(server, { ...deps, sweep, handedOver }));
      }
      return server;
    },
    stop() {
      open = false;
      for (const front of fronts) front.stop();
    },
  };
}

/**
 * The body kind when the fast path takes the request, else null. It leaves
 * to fastify what it would have to refuse or read differently: another
 * method or path (a query string included), another content type, a body
 * without a declared length (chunked), compressed, empty or over its limit; and every
 * request once the server is closing, which fastify answers 503.
 */
export function fastPathKind(request: http.IncomingMessage, open: boolean): BodyKind | null {
  if (request.method !== 'POST' || request.url !== COLLECT_PATH || !open) return null;
  const { headers } = request;
  const kind = plainBodyKind(headers['content-type']);
  if (kind === undefined || headers['transfer-encoding'] !== undefined || headers['content-encoding'] !== undefined) {
    return null;
  }
  const length = Number(headers['content-length']);
  return length > 0 && length <= BODY_LIMITS[kind] ? kind : null;
}

function readAndAnswer(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  kind: BodyKind,
  { handle, log, debug }: FastPathDeps,
): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  // the sender went away mid-body: nobody is left to answer, and nothing was collected
  request.once('error', (error) => {
    log.debug({ err: error }, 'collect: the request body was cut off');
    response.destroy();
  });
  request.once('end', () => {
    // node:http has read exactly content-length bytes; decoded once, as fastify's string parsers do
    const text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
    const { authorization } = request.headers;
    const body: CollectBody = authorization === undefined ? { kind, text } : { kind, text, authorization };
    void answerOrInternalError(handle, body, log, debug).then((answer) => writeAnswer(request, response, answer));
  });
}

function writeAnswer(request: http.IncomingMessage, response: http.ServerResponse, answer: CollectAnswer): void {
  const { status, headers, payload } = encodeAnswer(answer, request.headers['accept-encoding']);
  headers['content-length'] = String(Buffer.byteLength(payload));
  response.writeHead(status, headers);
  response.end(payload);
}
