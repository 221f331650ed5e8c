/**
 * The collect fast path: tmon's HTTP server takes a plain collect request
 * (POST /data/collect, a form or JSON body of a declared length within its
 * limit) straight off the socket, reads the body and answers through the
 * same handler as the fastify route, without fastify's request lifecycle.
 * That lifecycle (request and reply objects, hooks, content-type parsing,
 * the reply) cost about a tenth of a single event's CPU (bench/README.md has
 * the measurements), and collect requests are nearly all of tmon's traffic. Anything else, including every
 * request the fast path would refuse, goes to fastify, whose collect route
 * answers it the same way: refusals have one implementation.
 */
import http from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import type { BodyKind } from '../../collect/identify.js';
import { errorBody } from '../errors.js';
import { encodeAnswer } from './answer.js';
import { BODY_LIMITS, type CollectAnswer, type CollectHandler, type CollectLog } from './handle-collect.js';

const COLLECT_PATH = '/data/collect';

/** the content types the fast path reads, as senders write them; any other spelling goes to fastify */
const BODY_KINDS: Partial<Record<string, BodyKind>> = {
  'application/x-www-form-urlencoded': 'form',
  'application/x-www-form-urlencoded; charset=utf-8': 'form',
  'application/json': 'json',
  'application/json; charset=utf-8': 'json',
};

export interface FastPathDeps {
  handle: CollectHandler;
  log: CollectLog & { debug(details: { err: unknown }, message: string): void };
  /** TMON_DEBUG: an internal error's message goes into the answer, as on fastify's routes */
  debug: boolean;
}

export interface CollectFastPath {
  /** fastify's `serverFactory` */
  serverFactory: FastifyServerFactory;
  /** from now on every request goes to fastify, which answers 503 while it closes (call it in `preClose`) */
  stop(): void;
}

/**
 * The fast path and the node:http server it sits in: plain collect requests
 * to the fast path, every other request to fastify, the server set up as
 * fastify sets up its own (keep-alive and request timeouts).
 */
export function createCollectFastPath(deps: FastPathDeps): CollectFastPath {
  let open = true;
  return {
    serverFactory: (fastifyHandler, options) => {
      const server = http.createServer((request, response) => {
        const kind = fastPathKind(request, open && server.listening);
        if (kind === null) fastifyHandler(request, response);
        else readAndAnswer(request, response, kind, deps);
      });
      server.keepAliveTimeout = options.keepAliveTimeout as number;
      server.requestTimeout = options.requestTimeout as number;
      server.setTimeout(options.connectionTimeout as number);
      return server;
    },
    stop() {
      open = false;
    },
  };
}

/**
 * The body kind when the fast path takes the request, else null. It leaves
 * to fastify what it would have to refuse or read differently: another
 * method or path (a query string included), another content type, a body
 * without a declared length (chunked), empty or over its limit; and every
 * request once the server is closing, which fastify answers 503.
 */
export function fastPathKind(request: http.IncomingMessage, open: boolean): BodyKind | null {
  if (request.method !== 'POST' || request.url !== COLLECT_PATH || !open) return null;
  const { headers } = request;
  const kind = BODY_KINDS[headers['content-type'] ?? ''];
  if (kind === undefined || headers['transfer-encoding'] !== undefined) return null;
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
    handle({ kind, text }, log).then(
      (answer) => writeAnswer(request, response, answer),
      (error: unknown) => {
        // the handler answers every failure it knows of: this is a bug, answered as fastify answers one
        log.error({ err: error }, 'collect: answering failed');
        const message = debug ? `internal error: ${(error as Error).message}` : 'internal error';
        writeAnswer(request, response, { status: 500, body: errorBody(500, 'internal', message) });
      },
    );
  });
}

function writeAnswer(request: http.IncomingMessage, response: http.ServerResponse, answer: CollectAnswer): void {
  const { status, headers, payload } = encodeAnswer(answer, request.headers['accept-encoding']);
  headers['content-length'] = String(Buffer.byteLength(payload));
  response.writeHead(status, headers);
  response.end(payload);
}
