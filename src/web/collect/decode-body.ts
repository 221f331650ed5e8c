/**
 * A collect body's bytes as sent → the bytes its Content-Encoding stands for
 * (log shippers and OpenTelemetry exporters compress their batches). Accepted:
 * none, `identity`, and `gzip` (`x-gzip`, its old name: RFC 9110 §8.4.1.3).
 * Any other coding, `deflate` and `br` included, and any list of codings,
 * is refused 415: one coding is all a sender needs, and `deflate` is sent
 * both zlib-wrapped and raw in the wild, so it is better refused than
 * guessed.
 *
 * Bomb-safe: the inflated size is limited (`limit`, the body kind's), and
 * zlib stops inflating at that size (maxOutputLength), so a body that would
 * inflate to gigabytes costs no more than `limit` bytes of memory and the
 * time to inflate them.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { type Refusal, refuse } from '../../errors/refusal.js';

const gunzipAtMost = promisify(gunzip);

const GZIP_NAMES = new Set(['gzip', 'x-gzip']);

/** The body decoded, at most `limit` bytes of it; or why it is refused. */
export async function decodeBody(
  bytes: Buffer,
  contentEncoding: string | undefined,
  limit: number,
): Promise<Buffer | Refusal> {
  const coding = contentEncoding?.trim().toLowerCase();
  if (coding === undefined || coding === '' || coding === 'identity') return bytes;
  if (!GZIP_NAMES.has(coding)) {
    return refuse(
      'unsupported_media_type',
      `Content-Encoding ${JSON.stringify(contentEncoding)} is not supported: send the body as is or gzip-compressed`,
    );
  }
  try {
    return await gunzipAtMost(bytes, { maxOutputLength: limit });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      return refuse('body_too_large', `the gzip body inflates to more than ${limit} bytes, the limit of its kind`);
    }
    // zlib's own codes: not gzip, truncated, corrupt, a bad checksum
    if (code?.startsWith('Z_')) {
      return refuse('bad_request', `the body is not valid gzip (${(error as Error).message})`);
    }
    throw error;
  }
}
