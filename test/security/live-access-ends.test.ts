/**
 * A live stream ends within 5 s of any change that takes its access away
 * (docs/security.md, "Access that ends"), on one process. The same cases run
 * across two processes on PostgreSQL + Redis in test/scale/.
 */
import { after, before, describe } from 'node:test';
import { type AccessHarness, describeAccessEnding, loginAt } from '../support/access-cases.js';
import { ALICE_PASSWORD, startTestTmon, type TestTmon } from '../support/test-tmon.js';

describe('live streams whose access is taken away, on one process', () => {
  let tmon: TestTmon;
  let harness: AccessHarness;

  before(async () => {
    tmon = await startTestTmon();
    const url = await tmon.app.listen({ port: 0, host: '127.0.0.1' });
    harness = {
      streamUrl: url,
      changeUrl: url,
      wsid: tmon.service.id,
      owner: await loginAt(url, 'alice', ALICE_PASSWORD),
      admin: await loginAt(url, 'admin', 'admin-password-1'),
      async expireToken() {
        tmon.clock.advance(3_600_000);
      },
    };
  });
  after(() => tmon.close());

  describeAccessEnding(() => harness);
});
