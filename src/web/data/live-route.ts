/**
 * GET /$wsid/live — Server-Sent Events: a snapshot (latest events, counts),
 * then a frame at most every 250 ms with the events stored since. A client
 * that cannot keep up loses frames (counted in `skipped`), never memory.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { FrameSink, LiveChannels, LiveFrame } from '../../live/live-channels.js';
import type { Store, StoredEvent } from '../../store/store.js';
import { requireVisibleService } from '../auth/visible-service.js';
import { presentEvent } from './present.js';
import { WsidParams } from './schemas.js';

const SNAPSHOT_EVENTS = 50;
const HEARTBEAT_MS = 15_000;
/** the browser's EventSource waits this long before reconnecting after a server restart */
const RETRY_MS = 1_000;

export interface LiveRouteDeps {
  store: Store;
  accounts: Accounts;
  channels: LiveChannels;
}

export async function liveRoute(fastify: FastifyInstance, { store, accounts, channels }: LiveRouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // hijacked responses are not fastify's any more: end them ourselves so close() does not wait on them
  const open = new Set<import('node:http').ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  app.get('/:wsid/live', { schema: { params: WsidParams }, compress: false }, async (request, reply) => {
    const { service } = await requireVisibleService(request, accounts, request.params.wsid);

    // Joined before the snapshot is read: an event committed while it is read is then in the snapshot, in a
    // frame, or in both (the dashboard drops a seq it has), never in neither. Frames wait until it is sent.
    let sink: FrameSink | null = null;
    const early: LiveFrame[] = [];
    const leave = channels.join(service.id, (frame) => (sink ? sink(frame) : early.push(frame)));
    const res = reply.raw;
    let heartbeat: NodeJS.Timeout | undefined;
    let closed = false;
    // from here on, however the stream ends (the client leaves, even while the snapshot is read): leave the channel
    request.raw.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      leave();
      open.delete(res);
    });
    let latest: StoredEvent[];
    try {
      latest = await store.latestEvents(service.id, SNAPSHOT_EVENTS);
    } catch (error) {
      leave();
      throw error;
    }

    reply.hijack();
    if (closed) return; // gone while the snapshot was read: nobody to write to
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx would otherwise buffer the stream and the dashboard would stop being live
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    open.add(res);

    let congested = false;
    let skipped = 0;
    const send = (event: string, data: unknown): void => {
      if (congested) return;
      congested = !res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    res.on('drain', () => {
      congested = false;
    });

    send('snapshot', { events: latest.map(presentEvent), counts: presentCounts(channels.counts(service.id)) });

    sink = (frame: LiveFrame) => {
      if (congested) {
        skipped += frame.events.length + frame.skipped;
        return;
      }
      send('events', {
        events: frame.events.map(presentEvent),
        skipped: frame.skipped + skipped,
        counts: presentCounts(frame.counts),
      });
      skipped = 0;
    };
    for (const frame of early.splice(0)) sink(frame);
    heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
  });
}

function presentCounts(counts: LiveFrame['counts']) {
  return { last_second: counts.lastSecond, last_minute: counts.lastMinute };
}
