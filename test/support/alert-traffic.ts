/**
 * Traffic for alert tests, sent through the real collect path: bearer
 * batches of plain JSON events (an ingest token), each event at the time
 * the test gives, so history days back goes in as an import would.
 */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { IPHONE_UA, JSON_TYPE } from './senders.js';

export interface TrafficEvent {
  ts: number;
  url?: string;
  status?: number;
  durationMs?: number;
}

const BATCH = 1_000;

/** Sends the events in batches; every batch must be accepted whole. */
export async function sendTraffic(app: FastifyInstance, token: string, events: readonly TrafficEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += BATCH) {
    const payload = JSON.stringify({
      events: events.slice(i, i + BATCH).map((e) => ({
        url: e.url ?? '/',
        ip: '8.8.8.8',
        useragent: IPHONE_UA,
        ts: e.ts,
        status: e.status ?? 200,
        ...(e.durationMs === undefined ? {} : { duration_ms: e.durationMs }),
      })),
    });
    const res = await app.inject({
      method: 'POST',
      url: '/data/collect',
      headers: { ...JSON_TYPE, authorization: `Bearer ${token}` },
      payload,
    });
    assert.equal(res.statusCode, 200, res.body);
  }
}

/** `count` events spread evenly over [from, to). */
export function spread(count: number, from: number, to: number, fields: Omit<TrafficEvent, 'ts'> = {}): TrafficEvent[] {
  return Array.from({ length: count }, (_, i) => ({ ts: Math.floor(from + ((to - from) * i) / count), ...fields }));
}
