import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { CollectedEvent } from '../../src/collect/event.types.js';
import { createEnricher } from '../../src/enrich/enrich.js';
import { type GeoLocator, openGeoLocator } from '../../src/enrich/geoip.js';
import { createAgentParser } from '../../src/enrich/user-agent.js';

const windowsChrome =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

function collected(fields: Partial<CollectedEvent> = {}): CollectedEvent {
  return {
    url: '/pricing',
    ip: '81.2.69.142',
    useragent: windowsChrome,
    username: null,
    ts: 1_700_000_000_000,
    method: 'GET',
    status: 200,
    durationMs: 12,
    referrer: null,
    id: null,
    extra: { plan: 'pro' },
    ...fields,
  };
}

describe('enriching events', () => {
  let geo: GeoLocator;
  before(async () => {
    geo = await openGeoLocator({});
  });

  test('adds geo and agent and keeps every collected field', () => {
    const enrich = createEnricher({ geo, parseAgent: createAgentParser(), anonymizeIps: false });
    const event = enrich(collected());
    assert.deepEqual(
      { ...event, geo: undefined, agent: undefined },
      { ...collected(), geo: undefined, agent: undefined },
    );
    assert.equal(event.geo?.country, 'GB');
    assert.equal(event.agent.browser, 'Chrome');
    assert.equal(event.agent.device, 'desktop');
  });

  test('geolocates the full address, then stores it truncated when anonymizing', () => {
    const located: string[] = [];
    const locate = (ip: string) => {
      located.push(ip);
      return geo.locate(ip);
    };
    const recording: GeoLocator = { ...geo, locate };
    const enrich = createEnricher({ geo: recording, parseAgent: createAgentParser(), anonymizeIps: true });
    const event = enrich(collected({ ip: '81.2.69.142' }));
    assert.deepEqual(located, ['81.2.69.142']);
    assert.equal(event.ip, '81.2.69.0');
    assert.equal(event.geo?.country, 'GB');
    assert.equal(enrich(collected({ ip: '2a03:2880:f003:c07:face:b00c::2' })).ip, '2a03:2880:f003::');
  });

  test('stores a private address without geo fields', () => {
    const enrich = createEnricher({ geo, parseAgent: createAgentParser(), anonymizeIps: false });
    const event = enrich(collected({ ip: '192.168.1.20' }));
    assert.equal(event.geo, null);
    assert.equal(event.ip, '192.168.1.20');
  });

  test('does not change the collected event it was given', () => {
    const enrich = createEnricher({ geo, parseAgent: createAgentParser(), anonymizeIps: true });
    const input = collected();
    enrich(input);
    assert.deepEqual(input, collected());
  });
});
