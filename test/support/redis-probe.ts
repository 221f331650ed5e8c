/** The Redis the tests use, and whether it answers (the Redis suites skip, saying why, when it does not). */
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TMON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** false when Redis answers, else the reason to skip */
export async function redisMissing(): Promise<string | false> {
  const probe = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // connection errors surface through connect() below: the event would only repeat them
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return false;
  } catch (error) {
    return `no Redis at ${TEST_REDIS_URL} (${(error as Error).message})`;
  } finally {
    probe.disconnect();
  }
}
