/**
 * GET /$wsid/live — Server-Sent Events: a snapshot (latest events, counts),
 * then a frame at most every 250 ms with the events stored since
 * (web/data/live-stream.ts). Each user may hold `maxStreamsPerUser` streams
 * and the process `maxStreams`, counted per process; beyond, 429. A stream
 * whose caller loses access to the service is closed (access-watch.ts).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import { scopeAllows } from '../../accounts/caller.js';
import type { Clock } from '../../clock.js';
import type { LiveChannels } from '../../live/live-channels.js';
import { type SlotRefusal, StreamSlots } from '../../live/stream-slots.js';
import type { EventStore } from '../../store/event-store.js';
import type { StoredEvent } from '../../store/store.js';
import { ERROR_RESPONSES, SESSION_OR_TOKEN } from '../answer-schemas.js';
import { requireVisibleService, visibleServiceFor } from '../auth/visible-service.js';
import { HttpError } from '../errors.js';
import { AccessWatch } from './access-watch.js';
import { SharedFrameTexts } from './live-frame-text.js';
import { LiveStream } from './live-stream.js';
import { WsidParams } from './schemas.js';

const SNAPSHOT_EVENTS = 50;
/** a slot frees as soon as any stream closes: a refused dashboard may try again soon */
const REFUSED_RETRY_AFTER_SECONDS = 10;

/** how often open streams' access is checked: a change ends them within this plus one check (≤ 5 s) */
const ACCESS_CHECK_MS = 2_000;
/** a stream whose access could not be confirmed (the database is down) for this long is closed */
const ACCESS_UNCONFIRMED_MS = 5_000;

/** The stream's messages are JSON of the SnapshotFrame and EventsFrame schemas (answers.ts). */
const LIVE_SCHEMA = {
  summary: 'Server-Sent Events: the latest events, then a frame at most every 250 ms with the events stored since',
  description:
    'A `snapshot` message (`{"events":[…],"counts":{"last_second","last_minute"}}`, events as /data/latest), ' +
    'then `events` messages with the same fields and `skipped` (events a slow reader was not sent). ' +
    'An `access-ended` message closes the stream when the caller loses access. 429 beyond the open streams allowed.',
  tags: ['query'],
  security: SESSION_OR_TOKEN,
  params: WsidParams,
  response: {
    200: {
      description: 'An event stream',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    },
    ...ERROR_RESPONSES,
  },
};

export interface LiveRouteDeps {
  store: Pick<EventStore, 'latestEvents'>;
  accounts: Accounts;
  channels: LiveChannels;
  clock: Clock;
  /** live streams one user may hold open on this process */
  maxStreamsPerUser: number;
  /** live streams this process holds open at most */
  maxStreams: number;
}

export async function liveRoute(fastify: FastifyInstance, deps: LiveRouteDeps): Promise<void> {
  const { store, accounts, channels } = deps;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const slots = new StreamSlots({ perUser: deps.maxStreamsPerUser, total: deps.maxStreams });
  const texts = new SharedFrameTexts();
  const open = new Set<LiveStream>();
  const access = new AccessWatch({
    clock: deps.clock,
    intervalMs: ACCESS_CHECK_MS,
    failClosedMs: ACCESS_UNCONFIRMED_MS,
    mayStillSee: async (caller, serviceId) => {
      const now = await accounts.recheckCaller(caller);
      return now !== null && scopeAllows(now, 'read') && (await visibleServiceFor(now, accounts, serviceId)) !== null;
    },
    onCheckFailed: (error, failed) =>
      app.log.warn({ err: error }, `live streams: ${failed} access checks failed; unconfirmed streams close after 5 s`),
  });
  // hijacked responses are not fastify's any more: end them ourselves so close() does not wait on them
  app.addHook('preClose', async () => {
    access.stop();
    for (const stream of open) stream.close('server_closing');
  });

  app.get('/:wsid/live', { schema: LIVE_SCHEMA, compress: false }, async (request, reply) => {
    const { caller, service } = await requireVisibleService(request, accounts, request.params.wsid);
    const slot = slots.take(caller.user.id);
    if (!slot.granted) {
      throw new HttpError('rate_limited', refusalMessage(slot.refusal, deps), REFUSED_RETRY_AFTER_SECONDS);
    }

    let unwatch = () => {};
    const stream = new LiveStream({
      res: reply.raw,
      channels,
      serviceId: service.id,
      texts,
      releaseSlot: slot.release,
      onClose: (closed, reason) => {
        unwatch();
        open.delete(closed);
        request.log.debug({ wsid: service.id, reason }, 'live stream closed');
      },
    });
    open.add(stream);
    let latest: StoredEvent[];
    try {
      latest = await store.latestEvents(service.id, SNAPSHOT_EVENTS);
    } catch (error) {
      stream.close('snapshot_failed');
      throw error;
    }
    reply.hijack();
    stream.start(latest, channels.counts(service.id));
    if (!stream.closed) {
      unwatch = access.watch({ caller, serviceId: service.id, endAccess: () => stream.close('access_ended') });
    }
  });
}

function refusalMessage(refusal: SlotRefusal, limits: Pick<LiveRouteDeps, 'maxStreamsPerUser' | 'maxStreams'>): string {
  return refusal === 'user'
    ? `you have ${limits.maxStreamsPerUser} live streams open on this server, the most one user may; close one first`
    : `this server holds the most live streams it may (${limits.maxStreams}); try again later`;
}
