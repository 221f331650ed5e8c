/**
 * A request body read from its stream up to a limit: the bytes, or a
 * refusal as soon as they pass it (a declared length over it: before any
 * is read), so a sender never makes tmon hold more than the limit. Used by
 * the collect route's JSON bodies and by OTLP exports (web/otlp/).
 */
import { type Refusal, refuse } from '../../errors/refusal.js';

/** The body's bytes, or a refusal as soon as they pass `limit` (a declared length over it: before reading any). */
export function readAtMost(payload: NodeJS.ReadableStream, limit: number, declared: number): Promise<Buffer | Refusal> {
  const tooLarge = refuse('body_too_large', `the body is larger than ${limit} bytes, the limit of its kind`);
  if (declared > limit) return Promise.resolve(tooLarge);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) chunks.push(chunk);
      else {
        stop();
        resolve(tooLarge);
      }
    };
    const onEnd = () => {
      stop();
      if (!Number.isNaN(declared) && received !== declared) {
        resolve(refuse('bad_request', `the body has ${received} bytes, not the ${declared} of its Content-Length`));
      } else resolve(Buffer.concat(chunks, received));
    };
    // the sender went away mid-body: nobody is left to answer
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
    payload.resume();
  });
}
