/**
 * The error catalogue (src/errors/catalogue.ts): the statuses senders and
 * API clients branch on stay as they are, and no code in it is dead.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ERROR_CATALOGUE, type ErrorCode, FASTIFY_ERROR_CODES } from '../../src/errors/catalogue.js';
import { REPO } from '../support/tmon-process.js';

/** as answered since the first release: the original T-Mon clients and tmon's own read these */
const WIRE_STATUSES: Record<ErrorCode, number> = {
  bad_request: 400,
  bad_base64: 400,
  bad_json: 400,
  not_an_object: 400,
  missing_field: 400,
  invalid_field: 400,
  field_too_long: 400,
  extra_too_large: 400,
  extra_too_deep: 400,
  bad_batch_size: 400,
  bad_event: 400,
  unauthorized: 401,
  forbidden: 403,
  unknown_service: 403,
  bad_signature: 403,
  decryption_failed: 403,
  stale: 403,
  replayed: 403,
  legacy_refused: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  body_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  overloaded: 503,
  unavailable: 503,
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('the error catalogue', () => {
  it('keeps every code at the status clients know it by', () => {
    const statuses = Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, entry]) => [code, entry.status]));
    assert.deepEqual(statuses, WIRE_STATUSES);
  });

  it('has no dead code: each is answered somewhere in src/ outside the catalogue', async () => {
    const catalogue = path.join(REPO, 'src/errors/catalogue.ts');
    const files = (await sourceFiles(path.join(REPO, 'src'))).filter((file) => file !== catalogue);
    const source = (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
    // fastify's codes are answered through the catalogue's own map
    const mapped = new Set(Object.values(FASTIFY_ERROR_CODES));
    const unused = (Object.keys(ERROR_CATALOGUE) as ErrorCode[]).filter(
      (code) => !source.includes(`'${code}'`) && !mapped.has(code as never),
    );
    assert.deepEqual(unused, []);
  });

  it('gives every answer that asks the sender to come back (429, 503) a Retry-After', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      if (entry.status === 429 || entry.status === 503) {
        assert.ok((entry as { retryAfterSeconds?: number }).retryAfterSeconds, `${code} has no Retry-After`);
      }
    }
  });
});
