/**
 * Request bodies per scenario, built with tmon's own encoders. Every body of
 * a run is unique: its events carry ids `<scenario>-<n>[-<k>]` (so the stored
 * events can be checked against the acknowledged ones) and a v2 body has a
 * fresh iv and sent_at (replay protection refuses a repeated iv).
 */
import { encryptGen1 } from '../../src/collect/gen1-aes.js';
import { signGen2 } from '../../src/collect/gen2-hmac.js';
import { sealV2 } from '../../src/collect/v2-gcm.js';
import { eventFragment, senderEvent } from '../../src/loadgen/traffic.js';
import type { BenchService } from './tmon.js';

export type ScenarioKey = 'gen1' | 'gen2' | 'v2' | 'v2x100';
export const SCENARIO_KEYS: readonly ScenarioKey[] = ['gen1', 'gen2', 'v2', 'v2x100'];

export interface Scenario {
  key: ScenarioKey;
  label: string;
  eventsPerRequest: number;
  contentType: string;
  /** the body of request n, built now (a v2 body's sent_at is the current time) */
  body(n: number): string;
  /** the idempotency keys of request n's events */
  ids(n: number): string[];
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

export function makeScenario(key: ScenarioKey, service: BenchService): Scenario {
  const { id: wsid, secret } = service;
  const single = (build: (json: string) => string, label: string, contentType: string): Scenario => ({
    key,
    label,
    eventsPerRequest: 1,
    contentType,
    body: (n) => build(JSON.stringify(senderEvent(n, `${key}-${n}`))),
    ids: (n) => [`${key}-${n}`],
  });
  switch (key) {
    case 'gen1':
      return single(
        (json) => new URLSearchParams({ wsid: String(wsid), data: encryptGen1(json, secret) }).toString(),
        'Gen 1 AES-CFB8, 1 event',
        FORM,
      );
    case 'gen2':
      return single(
        (json) => new URLSearchParams({ wsid: String(wsid), ...signGen2(json, secret) }).toString(),
        'Gen 2 HMAC-SHA1, 1 event',
        FORM,
      );
    case 'v2':
      return single(
        (json) => JSON.stringify(sealV2(`{"sent_at":${Date.now()},"events":[${json}]}`, { wsid, secret })),
        'v2 AES-GCM, 1 event',
        JSON_TYPE,
      );
    case 'v2x100':
      return batchScenario(wsid, secret, 100);
  }
}

function batchScenario(wsid: number, secret: string, size: number): Scenario {
  // 1,000 distinct events, reused as templates: only the ids differ between batches
  const fragments = Array.from({ length: 1000 }, (_, i) => eventFragment(i));
  const key: ScenarioKey = 'v2x100';
  return {
    key,
    label: `v2 AES-GCM, batch of ${size}`,
    eventsPerRequest: size,
    contentType: JSON_TYPE,
    body(n) {
      const parts: string[] = new Array(size);
      for (let k = 0; k < size; k++)
        parts[k] = `${fragments[(n * size + k) % fragments.length]},"id":"${key}-${n}-${k}"}`;
      return JSON.stringify(sealV2(`{"sent_at":${Date.now()},"events":[${parts.join(',')}]}`, { wsid, secret }));
    },
    ids: (n) => Array.from({ length: size }, (_, k) => `${key}-${n}-${k}`),
  };
}

/** The cost of building one body on demand, in µs (after a short warm-up). */
export function measureBuildMicros(scenario: Scenario, count = 500): number {
  for (let i = 0; i < 50; i++) scenario.body(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) scenario.body(i);
  return Number(process.hrtime.bigint() - start) / 1000 / count;
}

/**
 * Hands out request numbers and bodies: from a pool built before the timed
 * run while it lasts, then built on demand. `cycle` reuses the pool for ever
 * (for the bare server, which checks nothing).
 */
export class BodySource {
  private pool: string[] = [];
  private poolFirst = 0;
  private nextN: number;
  builtOnDemand = 0;

  constructor(
    readonly scenario: Scenario,
    firstN: number,
    private readonly cycle = false,
  ) {
    this.nextN = firstN;
  }

  /** Pre-builds `count` bodies for the next request numbers; returns the seconds it took. */
  prebuild(count: number): number {
    const start = performance.now();
    this.poolFirst = this.nextN;
    this.pool = Array.from({ length: count }, (_, i) => this.scenario.body(this.poolFirst + i));
    return (performance.now() - start) / 1000;
  }

  get poolSize(): number {
    return this.pool.length;
  }

  /** The request number after the last one handed out (the next source starts there). */
  get next(): number {
    return this.nextN;
  }

  take(): { n: number; body: string } {
    if (this.cycle && this.pool.length > 0) {
      const i = (this.nextN++ - this.poolFirst) % this.pool.length;
      return { n: this.poolFirst + i, body: this.pool[i] as string };
    }
    const n = this.nextN++;
    const i = n - this.poolFirst;
    if (i >= 0 && i < this.pool.length) {
      const body = this.pool[i] as string;
      this.pool[i] = ''; // let it be collected
      return { n, body };
    }
    this.builtOnDemand++;
    return { n, body: this.scenario.body(n) };
  }
}
