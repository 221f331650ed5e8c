/**
 * The live benchmark's sender: one collect request per event at a steady rate over keep-alive
 * connections, each timed from sending to its answer. Request n is sent at start + n / rate, as far as a
 * bound on the requests in flight allows: it falls behind rather than queue without bound when tmon
 * answers slower than it sends.
 */
import http from 'node:http';
import type { Scenario } from './bodies.js';

const MAX_IN_FLIGHT_PER_CONNECTION = 8;
const TICK_MS = 5;

export interface PacedSendOptions {
  port: number;
  scenario: Scenario;
  /** events (requests) per second */
  rate: number;
  connections: number;
  /** performance.now() of request 0 */
  start: number;
  /** answers from this time on are measured */
  measureFrom: number;
  /** performance.now() after which nothing more is sent */
  end: number;
  /** the scenario's request number of this run's request 0: each run of a tmon needs ids of its own */
  firstRequest: number;
  /** told of every request as it is sent, by its number in this run */
  onSent: (n: number, at: number) => void;
}

export interface SendResult {
  sent: number;
  measuredSent: number;
  ok: number;
  refused: number;
  errors: number;
  behindTicks: number;
  /** the bound on requests in flight that `behindTicks` waited at */
  maxInFlight: number;
  firstRefusal: string | null;
  /** answer times (ms) of the measured requests answered 200 */
  answerMs: number[];
}

/** Sends until `end`, then resolves once every request in flight has its answer. */
export function sendPaced(options: PacedSendOptions): Promise<SendResult> {
  const { port, scenario, rate, connections, start, measureFrom, end } = options;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const maxInFlight = connections * MAX_IN_FLIGHT_PER_CONNECTION;
  const result: SendResult = {
    sent: 0,
    measuredSent: 0,
    ok: 0,
    refused: 0,
    errors: 0,
    behindTicks: 0,
    maxInFlight,
    firstRefusal: null,
    answerMs: [],
  };
  let inFlight = 0;
  return new Promise((resolve) => {
    const one = (n: number) => {
      const body = scenario.body(options.firstRequest + n);
      const sentAt = performance.now();
      options.onSent(n, sentAt);
      result.sent++;
      if (sentAt >= measureFrom) result.measuredSent++;
      inFlight++;
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/data/collect',
          method: 'POST',
          agent,
          headers: { 'content-type': scenario.contentType, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            inFlight--;
            if (response.statusCode === 200) {
              result.ok++;
              if (sentAt >= measureFrom) result.answerMs.push(performance.now() - sentAt);
            } else {
              result.refused++;
              result.firstRefusal ??= `${response.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`;
            }
          });
        },
      );
      request.on('error', (error) => {
        inFlight--;
        result.errors++;
        result.firstRefusal ??= error.message;
      });
      request.end(body);
    };
    const timer = setInterval(() => {
      const now = performance.now();
      if (now >= end) {
        clearInterval(timer);
        const settle = setInterval(() => {
          if (inFlight > 0) return;
          clearInterval(settle);
          agent.destroy();
          resolve(result);
        }, 10);
        return;
      }
      const due = Math.floor(((now - start) / 1000) * rate);
      while (result.sent < due) {
        if (inFlight >= maxInFlight) {
          result.behindTicks++;
          break;
        }
        one(result.sent);
      }
    }, TICK_MS);
  });
}
