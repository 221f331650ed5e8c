/**
 * A bad-input fuzz, made repeatable: 24,000 collect requests
 * drawn from a fixed seed (test/support/collect-fuzz-requests.ts: valid Gen 1,
 * Gen 2, v2 and bearer requests, most of them mutated at one layer or more) against
 * one tmon, injected into fastify and, one in six, over real sockets through
 * the socket front. It must hold that no answer is a 5xx, that every answer
 * is a 200 with `accepted` or a 4xx with the error body of docs/protocol.md, that a
 * request sent as made (about a third, gzipped now and then) gets the answer
 * it must, and that the store holds exactly the events the 200s accepted.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/catalogue.js';
import type { RefusalCode } from '../../src/errors/refusal.js';
import { type ListeningTmon, startListeningTmon } from '../support/client-helpers.js';
import { type FuzzContext, type FuzzRequest, fuzzRequest } from '../support/collect-fuzz-requests.js';
import { Prng } from '../support/prng.js';
import { addTestToken, VECTOR_SECRET } from '../support/test-tmon.js';

const SEED = 0x2021_0021;
const REQUESTS = 24_000;
/** requests in flight at once: enough for group commit to gather them, few enough to keep answers quick */
const IN_FLIGHT = 32;
/** one request in this many goes over a socket, through the socket front; the rest are injected, which costs less */
const OVER_SOCKETS_EVERY = 6;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const V2_ONLY_SECRET = 'V2onlyV2onlyV2onlyV2onlyV2only12';
/** refusals the fuzz does not draw: each v2 request has an iv of its own (replays: collect.test.ts) */
const NOT_DRAWN = new Set<RefusalCode>(['replayed']);

interface Answer {
  status: number;
  body: string;
}

const ERROR_KEYS = ['error', 'message', 'status', 'status_code'];
const ACCEPTED_KEYS = ['accepted', 'status', 'status_code'];

/** The events an answer says were accepted, or what is wrong with it. */
function accepted({ status, body }: Answer): number | string {
  if (status >= 500) return `a ${status}: ${body}`;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return `a ${status} whose body is not JSON (${(error as Error).message}): ${body.slice(0, 200)}`;
  }
  const keys = Object.keys(json).sort().join();
  if (status === 200) {
    const ok = keys === ACCEPTED_KEYS.join() && json.status === 200 && json.status_code === 200;
    if (!ok || !Number.isInteger(json.accepted) || (json.accepted as number) < 1)
      return `a 200 of another shape: ${body}`;
    return json.accepted as number;
  }
  const shaped =
    status >= 400 &&
    status < 500 &&
    keys === ERROR_KEYS.join() &&
    json.status === status &&
    json.status_code === status &&
    typeof json.error === 'string' &&
    typeof json.message === 'string' &&
    json.message !== '';
  return shaped ? 0 : `a ${status} of another shape: ${body.slice(0, 200)}`;
}

describe('the collect bad-input fuzz', () => {
  let tmon: ListeningTmon;
  let agent: http.Agent;
  const context: FuzzContext = {
    now: NOW,
    services: [
      { wsid: 1, secret: VECTOR_SECRET },
      { wsid: 2, secret: V2_ONLY_SECRET },
    ],
    // made once tmon is up
    tokens: { ingest: '', read: '' },
  };

  before(async () => {
    tmon = await startListeningTmon({ now: NOW });
    const v2Only = await tmon.runtime.accounts.addService({
      name: 'v2only',
      ownerName: 'alice',
      id: 2,
      secret: V2_ONLY_SECRET,
    });
    await tmon.runtime.accountStore.updateServiceSettings(v2Only.id, { allowLegacy: false });
    context.tokens.ingest = await addTestToken(tmon.runtime, 'alice', 'ingest', 1);
    context.tokens.read = await addTestToken(tmon.runtime, 'alice', 'read', 1);
    agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  });
  after(async () => {
    agent.destroy();
    await tmon.close();
  });

  const inject = async ({ method, headers, payload }: FuzzRequest): Promise<Answer> => {
    const res = await tmon.app.inject({ method: method as 'POST', url: '/data/collect', headers, payload });
    return { status: res.statusCode, body: res.body };
  };

  const overSocket = ({ method, headers, payload }: FuzzRequest): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        `${tmon.url}/data/collect`,
        { method, agent, headers: { ...headers, 'content-length': String(payload.length) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(payload);
    });

  it(`answers ${REQUESTS} mutated requests (seed ${SEED}) without a 5xx, each as the protocol says, storing what it accepts`, {
    timeout: 120_000,
  }, async (t) => {
    const started = performance.now();
    let next = 0;
    let acceptedEvents = 0;
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const refusals = new Map<string, number>();

    async function worker(): Promise<void> {
      while (next < REQUESTS) {
        const n = next++;
        // a Prng per request, so each request is the same whichever worker draws it
        const request = fuzzRequest(new Prng(SEED ^ Math.imul(n + 1, 0x9e3779b9)), context);
        let answer: Answer;
        try {
          answer = n % OVER_SOCKETS_EVERY === 0 ? await overSocket(request) : await inject(request);
        } catch (error) {
          problems.push(`request ${n} (${request.label}): no answer: ${(error as Error).message}`);
          continue;
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const outcome = accepted(answer);
        if (typeof outcome === 'string') problems.push(`request ${n} (${request.label}): ${outcome}`);
        else {
          acceptedEvents += outcome;
          if (outcome === 0) {
            const { error } = JSON.parse(answer.body) as { error: string };
            refusals.set(error, (refusals.get(error) ?? 0) + 1);
          }
          const { expected } = request;
          if (expected !== null && (answer.status !== expected.status || (expected.accepted ?? 0) !== outcome)) {
            problems.push(
              `request ${n} (${request.label}), sent as made: ${answer.status} ${answer.body.slice(0, 200)}`,
            );
          }
        }
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(`${REQUESTS} requests in ${seconds.toFixed(1)} s`);
    t.diagnostic(`answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
    t.diagnostic(`refusals by reason: ${JSON.stringify(Object.fromEntries(refusals))}`);
    assert.deepEqual(problems.slice(0, 10), [], `${problems.length} answers were wrong`);
    assert.equal(await tmon.runtime.eventStore.countEvents(), acceptedEvents, 'stored = accepted');
    // the fuzz is worth something only while it reaches every part: much accepted, and every reason to refuse
    assert.ok((statuses.get(200) ?? 0) > REQUESTS / 5, 'a fifth or more accepted');
    const refusalCodes = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).filter(
      (code): code is RefusalCode => ERROR_CATALOGUE[code].place !== 'api' && ERROR_CATALOGUE[code].status < 500,
    );
    const unreached = refusalCodes.filter((code) => !NOT_DRAWN.has(code) && !refusals.has(code));
    assert.deepEqual(unreached, [], 'every reason to refuse is drawn');
  });
});
