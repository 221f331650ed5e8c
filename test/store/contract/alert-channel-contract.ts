import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertChannelStore, RecordedAttempt } from '../../../src/store/alert-channel-store.js';
import { StoreNotFoundError } from '../../../src/store/errors.js';
import { T0 } from '../../support/temp-store.js';
import { MINUTE, type OpenStore, SECOND, useStore } from './context.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function failedAttempt(deliveryId: number, attempt: number, at: number, next: number): RecordedAttempt {
  return {
    deliveryId,
    attempt: { attempt, at, durationMs: 12, status: 503, answer: 'busy', error: 'answered 503' },
    deliveryStatus: 'pending',
    nextAttemptAt: next,
  };
}

/** What every backend's alert channel store does (alert-channel-store.ts). */
export function describeAlertChannelStoreContract(name: string, open: OpenStore): void {
  describe(`${name} alert channel store`, () => {
    const ctx = useStore(open);
    const channels = (): AlertChannelStore => ctx().store.alertChannels;

    async function webhook(channelName = 'ops hook') {
      return channels().createChannel({
        serviceId: ctx().service.id,
        name: channelName,
        kind: 'webhook',
        target: 'https://hooks.example.com/tmon',
        secret: SECRET,
        now: T0,
      });
    }

    it('creates a channel with its secret, then lists and finds it without', async () => {
      const { service } = ctx();
      const created = await webhook();
      assert.deepEqual(created, {
        id: created.id,
        serviceId: service.id,
        name: 'ops hook',
        kind: 'webhook',
        target: 'https://hooks.example.com/tmon',
        secret: SECRET,
        createdAt: T0,
      });
      const { secret: _secret, ...listed } = created;
      assert.deepEqual(await channels().listChannels(service.id), [listed]);
      assert.deepEqual(await channels().findChannel(created.id), listed);
      assert.equal(await channels().findChannel(created.id + 1000), null);
      assert.equal(await channels().countChannels(service.id), 1);
      assert.deepEqual(await channels().listChannels(service.id + 1000), []);
    });

    it('refuses a channel for a service that does not exist', async () => {
      await assert.rejects(
        channels().createChannel({
          serviceId: 9_999,
          name: 'x',
          kind: 'slack',
          target: 'https://x',
          secret: null,
          now: T0,
        }),
        StoreNotFoundError,
      );
    });

    it('updates a channel name and target, keeping its kind and secret', async () => {
      const created = await webhook();
      const updated = await channels().updateChannel(created.id, {
        name: 'renamed',
        target: 'https://other.example/x',
      });
      assert.equal(updated?.name, 'renamed');
      assert.equal(updated?.target, 'https://other.example/x');
      assert.equal(updated?.kind, 'webhook');
      assert.equal(await channels().updateChannel(created.id + 1000, { name: 'a', target: 'b' }), null);
      const [claimed] = await insertAndClaim(created.id);
      assert.equal(claimed?.channel.secret, SECRET);
      assert.equal(claimed?.channel.target, 'https://other.example/x');
    });

    async function insertAndClaim(channelId: number, messageId = 'msg_1', now = T0) {
      await channels().insertTestDelivery({ channelId, messageId, payload: '{"type":"alert.test"}', now });
      return channels().claimDueDeliveries(now, now + MINUTE, 10);
    }

    it('inserts a test delivery, due at once, and claims it with its channel', async () => {
      const created = await webhook();
      const delivery = await channels().insertTestDelivery({
        channelId: created.id,
        messageId: 'msg_test',
        payload: '{"type":"alert.test"}',
        now: T0,
      });
      assert.deepEqual(delivery, {
        id: delivery.id,
        channelId: created.id,
        transitionId: null,
        messageId: 'msg_test',
        payload: '{"type":"alert.test"}',
        status: 'pending',
        attempts: 0,
        createdAt: T0,
        nextAttemptAt: T0,
        lastAttemptAt: null,
        lastStatus: null,
        lastAnswer: null,
        lastError: null,
      });
      const claimed = await channels().claimDueDeliveries(T0, T0 + MINUTE, 10);
      assert.deepEqual(claimed, [{ delivery, channel: created }]);
    });

    it('refuses a test delivery for a channel that does not exist', async () => {
      await assert.rejects(
        channels().insertTestDelivery({ channelId: 9_999, messageId: 'msg_x', payload: '{}', now: T0 }),
        StoreNotFoundError,
      );
    });

    it('gives a claimed delivery to no one else until its lease runs out', async () => {
      const created = await webhook();
      assert.equal((await insertAndClaim(created.id)).length, 1);
      assert.deepEqual(await channels().claimDueDeliveries(T0 + 30 * SECOND, T0 + 90 * SECOND, 10), []);
      assert.deepEqual(await channels().claimDueDeliveries(T0 + MINUTE, T0 + 2 * MINUTE, 10), []);
      const again = await channels().claimDueDeliveries(T0 + MINUTE + 1, T0 + 2 * MINUTE, 10);
      assert.equal(again.length, 1);
    });

    it('claims only pending deliveries that are due, oldest due first, at most the limit', async () => {
      const created = await webhook();
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const d = await channels().insertTestDelivery({
          channelId: created.id,
          messageId: `msg_${i}`,
          payload: '{}',
          now: T0 + (2 - i) * SECOND,
        });
        ids.push(d.id);
      }
      assert.deepEqual(await channels().claimDueDeliveries(T0 - 1, T0 + MINUTE, 10), []);
      const two = await channels().claimDueDeliveries(T0 + 5 * SECOND, T0 + MINUTE, 2);
      assert.deepEqual(
        two.map((c) => c.delivery.id),
        [ids[2], ids[1]],
      );
      // delivered: never claimed again
      const last = await channels().claimDueDeliveries(T0 + 5 * SECOND, T0 + MINUTE, 2);
      assert.deepEqual(
        last.map((c) => c.delivery.id),
        [ids[0]],
      );
      assert.equal(
        await channels().recordAttempt({
          deliveryId: ids[0] as number,
          attempt: { attempt: 1, at: T0 + 5 * SECOND, durationMs: 3, status: 200, answer: 'ok', error: null },
          deliveryStatus: 'delivered',
          nextAttemptAt: 0,
        }),
        true,
      );
      assert.deepEqual(
        await channels()
          .claimDueDeliveries(T0 + 2 * MINUTE, T0 + 3 * MINUTE, 10)
          .then((c) => c.map((x) => x.delivery.id)),
        [ids[2], ids[1]],
      );
    });

    it('records an attempt, frees the lease, and takes it up again when due', async () => {
      const created = await webhook();
      const [claimed] = await insertAndClaim(created.id);
      const id = claimed?.delivery.id as number;
      assert.equal(await channels().recordAttempt(failedAttempt(id, 1, T0, T0 + 10 * SECOND)), true);
      // not due yet, though the lease is gone
      assert.deepEqual(await channels().claimDueDeliveries(T0 + 9 * SECOND, T0 + MINUTE, 10), []);
      const [retry] = await channels().claimDueDeliveries(T0 + 10 * SECOND, T0 + MINUTE, 10);
      assert.equal(retry?.delivery.attempts, 1);
      assert.equal(retry?.delivery.lastStatus, 503);
      assert.equal(retry?.delivery.lastError, 'answered 503');
      assert.equal(retry?.delivery.lastAnswer, 'busy');
      assert.equal(retry?.delivery.lastAttemptAt, T0);
      assert.equal(retry?.delivery.nextAttemptAt, T0 + 10 * SECOND);
    });

    it('records each attempt once: a second record of the same attempt changes nothing', async () => {
      const created = await webhook();
      const [claimed] = await insertAndClaim(created.id);
      const id = claimed?.delivery.id as number;
      assert.equal(await channels().recordAttempt(failedAttempt(id, 1, T0, T0 + 10 * SECOND)), true);
      assert.equal(await channels().recordAttempt(failedAttempt(id, 1, T0 + 1, T0 + 99 * SECOND)), false);
      const [logged] = await channels().deliveryLog(created.id, 10);
      assert.equal(logged?.attempts, 1);
      assert.equal(logged?.nextAttemptAt, T0 + 10 * SECOND);
      assert.equal(logged?.attemptLog.length, 1);
    });

    it('keeps a delivery log per channel: newest first, each with its attempts in order', async () => {
      const created = await webhook();
      const other = await webhook('other');
      await channels().insertTestDelivery({ channelId: other.id, messageId: 'msg_other', payload: '{}', now: T0 });
      const first = await channels().insertTestDelivery({
        channelId: created.id,
        messageId: 'msg_a',
        payload: '{}',
        now: T0,
      });
      const second = await channels().insertTestDelivery({
        channelId: created.id,
        messageId: 'msg_b',
        payload: '{}',
        now: T0,
      });
      await channels().recordAttempt(failedAttempt(first.id, 1, T0, T0 + SECOND));
      await channels().recordAttempt(failedAttempt(first.id, 2, T0 + SECOND, T0 + 2 * SECOND));
      await channels().recordAttempt({
        deliveryId: first.id,
        attempt: { attempt: 3, at: T0 + 2 * SECOND, durationMs: 4, status: 200, answer: null, error: null },
        deliveryStatus: 'delivered',
        nextAttemptAt: 0,
      });
      const log = await channels().deliveryLog(created.id, 10);
      assert.deepEqual(
        log.map((d) => [d.messageId, d.status, d.attempts]),
        [
          ['msg_b', 'pending', 0],
          ['msg_a', 'delivered', 3],
        ],
      );
      assert.deepEqual(log[0]?.attemptLog, []);
      assert.deepEqual(log[1]?.attemptLog, [
        { attempt: 1, at: T0, durationMs: 12, status: 503, answer: 'busy', error: 'answered 503' },
        { attempt: 2, at: T0 + SECOND, durationMs: 12, status: 503, answer: 'busy', error: 'answered 503' },
        { attempt: 3, at: T0 + 2 * SECOND, durationMs: 4, status: 200, answer: null, error: null },
      ]);
      // a delivered one keeps the time it was last due
      assert.equal(log[1]?.nextAttemptAt, T0 + 2 * SECOND);
      assert.deepEqual(
        (await channels().deliveryLog(created.id, 1)).map((d) => d.id),
        [second.id],
      );
    });

    it('gives up on a delivery: it is not claimed again', async () => {
      const created = await webhook();
      const [claimed] = await insertAndClaim(created.id);
      const id = claimed?.delivery.id as number;
      await channels().recordAttempt({ ...failedAttempt(id, 1, T0, 0), deliveryStatus: 'gave_up' });
      assert.deepEqual(await channels().claimDueDeliveries(T0 + 2 * MINUTE, T0 + 3 * MINUTE, 10), []);
      const [logged] = await channels().deliveryLog(created.id, 10);
      assert.equal(logged?.status, 'gave_up');
    });

    it('prunes settled deliveries last due before a time, with their attempts, never pending ones', async () => {
      const created = await webhook();
      const ids: number[] = [];
      for (const messageId of ['msg_delivered', 'msg_gave_up', 'msg_pending', 'msg_recent']) {
        ids.push(
          (await channels().insertTestDelivery({ channelId: created.id, messageId, payload: '{}', now: T0 })).id,
        );
      }
      const settle = async (id: number, status: 'delivered' | 'gave_up', attempt: number, at: number) =>
        assert.equal(
          await channels().recordAttempt({ ...failedAttempt(id, attempt, at, at), deliveryStatus: status }),
          true,
        );
      await settle(ids[0] as number, 'delivered', 1, T0);
      await settle(ids[1] as number, 'gave_up', 1, T0);
      await channels().recordAttempt(failedAttempt(ids[2] as number, 1, T0, T0 + SECOND));
      await channels().recordAttempt(failedAttempt(ids[3] as number, 1, T0, T0 + MINUTE));
      // settled after a retry: last due at T0 + 1 min, not before it
      await settle(ids[3] as number, 'delivered', 2, T0 + MINUTE);
      assert.equal(await channels().pruneDeliveries(T0 + MINUTE, 1), 1);
      assert.equal(await channels().pruneDeliveries(T0 + MINUTE, 10), 1);
      assert.equal(await channels().pruneDeliveries(T0 + MINUTE, 10), 0);
      const left = await channels().deliveryLog(created.id, 10);
      assert.deepEqual(
        left.map((d) => d.messageId),
        ['msg_recent', 'msg_pending'],
      );
    });

    it('removes a channel with its deliveries, and a service with its channels', async () => {
      const { accounts, service } = ctx();
      const created = await webhook();
      await insertAndClaim(created.id);
      assert.equal(await channels().removeChannel(created.id), true);
      assert.equal(await channels().removeChannel(created.id), false);
      assert.deepEqual(await channels().deliveryLog(created.id, 10), []);
      assert.deepEqual(await channels().claimDueDeliveries(T0 + 2 * MINUTE, T0 + 3 * MINUTE, 10), []);
      await webhook('kept until the service goes');
      await accounts.removeService(service.id);
      assert.deepEqual(await channels().listChannels(service.id), []);
    });
  });
}
