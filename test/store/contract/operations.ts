import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0 } from '../../support/temp-store.js';
import { HOUR, type OpenStore, useStore } from './context.js';

/** What moving and upgrading an install needs of a store (tmon export --all, tmon migrate --dry-run). */
export function describeOperations(open: OpenStore): void {
  describe('operations', () => {
    const ctx = useStore(open);

    it('lists every token with its hash, expired ones too, by id', async () => {
      const { store, user, service } = ctx();
      const ingest = await store.createToken({
        tokenHash: 'ab'.repeat(32),
        userId: user.id,
        name: 'ci',
        scope: 'ingest',
        serviceId: service.id,
        expiresAt: T0 + HOUR,
        now: T0,
      });
      const read = await store.createToken({
        tokenHash: 'cd'.repeat(32),
        userId: user.id,
        name: 'dashboards',
        scope: 'read',
        serviceId: null,
        expiresAt: null,
        now: T0 + 1,
      });
      await store.touchToken(read.id, T0 + 5);
      assert.deepEqual(await store.listTokensWithHashes(), [
        { ...ingest, tokenHash: 'ab'.repeat(32) },
        { ...read, lastUsedAt: T0 + 5, tokenHash: 'cd'.repeat(32) },
      ]);
    });

    it('has no migration pending once migrated', async () => {
      const { store } = ctx();
      assert.deepEqual(await store.pendingMigrations(), []);
    });
  });
}
