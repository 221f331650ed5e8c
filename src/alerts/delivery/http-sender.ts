/**
 * One POST to a webhook, Slack or Discord URL. Each attempt opens its own
 * connection to the address safe-target.ts checked; redirects are not
 * followed (a 3xx is a failed attempt: following it would go to a target no
 * one checked); the whole attempt, from connecting to the end of the
 * answer's first bytes, has one deadline.
 */
import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../../clock.js';
import { ANSWER_BYTES, type AttemptOutcome, answerText } from './attempt-outcome.js';
import { retryAfterMs } from './retry-after.js';
import { pinnedLookup, type ResolveAll, resolveSafeTarget } from './safe-target.js';

/** each attempt's deadline: a receiver that holds the connection open cannot hold a sender */
export const ATTEMPT_TIMEOUT_MS = 10_000;

export interface HttpPost {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpSenderOptions {
  allowPrivate: boolean;
  clock: Clock;
  timeoutMs?: number;
  resolveAll?: ResolveAll;
  userAgent: string;
}

export async function postToTarget(post: HttpPost, options: HttpSenderOptions): Promise<AttemptOutcome> {
  // durations by the monotonic clock: the injected one says when, not how long
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutMs = options.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const fail = (error: string, permanent: boolean): AttemptOutcome => ({
    status: null,
    answer: null,
    error,
    retryAfterMs: null,
    permanent,
    durationMs: elapsed(),
  });
  // the name's resolution counts against the deadline too: a resolver that hangs holds the sender as a receiver would
  let deadline: NodeJS.Timeout | undefined;
  const checked = await Promise.race([
    resolveSafeTarget(post.url, options),
    new Promise<null>((resolve) => {
      deadline = setTimeout(() => resolve(null), timeoutMs);
    }),
  ]);
  clearTimeout(deadline);
  if (checked === null)
    return fail(`timeout: ${new URL(post.url).hostname} not resolved in ${timeoutMs / 1000} s`, false);
  // a refused address is the channel's to fix; a name that does not resolve may resolve later
  if (!checked.ok) return fail(checked.error, checked.permanent);
  const { target } = checked;
  const remainingMs = Math.max(1, timeoutMs - elapsed());
  const body = Buffer.from(post.body, 'utf8');
  const request = (target.url.protocol === 'https:' ? https : http).request;

  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const req = request(target.url, {
      method: 'POST',
      lookup: pinnedLookup(target),
      agent: false,
      headers: {
        ...post.headers,
        'content-type': 'application/json',
        'content-length': String(body.length),
        'user-agent': options.userAgent,
      },
    });
    const timer = setTimeout(() => {
      finish({
        status: null,
        answer: null,
        error: `timeout: no answer in ${timeoutMs / 1000} s`,
        retryAfterMs: null,
        permanent: false,
      });
    }, remainingMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish({ status: null, answer: null, error: describeError(error), retryAfterMs: null, permanent: false });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const status = res.statusCode ?? 0;
      const done = () => {
        const answer = answerText(Buffer.concat(chunks));
        const retryAfter = retryAfterMs(res.headers['retry-after'], options.clock());
        if (status >= 200 && status < 300) {
          finish({ status, answer, error: null, retryAfterMs: null, permanent: false });
        } else if (status >= 300 && status < 400) {
          const location = res.headers.location ?? '(no Location)';
          finish({
            status,
            answer,
            error: `redirect to ${location} not followed`,
            retryAfterMs: retryAfter,
            permanent: true,
          });
        } else {
          // 408 and 429 say "later"; another 4xx (a bad signature, an unknown hook) says the same next time
          const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
          finish({ status, answer, error: `answered ${status}`, retryAfterMs: retryAfter, permanent });
        }
      };
      res.on('data', (chunk: Buffer) => {
        if (size < ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
        // the first bytes are all that is kept: the rest is not waited for
        if (size >= ANSWER_BYTES) done();
      });
      res.on('end', done);
      res.on('error', (error) => {
        finish({
          status,
          answer: answerText(Buffer.concat(chunks)),
          error: describeError(error),
          retryAfterMs: null,
          permanent: false,
        });
      });
    });
    req.end(body);
  });
}

function describeError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'ECONNRESET') return 'connection reset';
  return error.code ? `${error.code}: ${error.message}` : error.message;
}
