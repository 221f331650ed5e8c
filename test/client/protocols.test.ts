/** The client's encoders reproduce the protocols' test vectors (docs/protocol.md), and each protocol is stored by a real tmon. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deriveV2Key, encodeRequest, sealV2, TmonClient, type TmonProtocol } from '../../clients/node/src/index.js';
import { countingFetch, type ListeningTmon, startListeningTmon, storedEvents } from '../support/client-helpers.js';
import { VECTOR_SECRET } from '../support/test-tmon.js';

const VECTOR_JSON = '{"url": "/", "ip": "8.8.8.8", "useragent": "x"}';

describe('the client protocols', () => {
  it('encodes the Gen 1 test vector', () => {
    assert.deepEqual(encodeRequest('gen1', [VECTOR_JSON], 1, VECTOR_SECRET), {
      contentType: 'application/x-www-form-urlencoded',
      body: 'wsid=1&data=wH2jEPWIed%2Fp0Nrvum2gvmPHM1v%2BHkBIMQDbJAoUtzC55yrabYYij%2BNu%2FisjwAQ%3D',
    });
  });

  it('encodes the Gen 2 test vector', () => {
    assert.deepEqual(encodeRequest('gen2', [VECTOR_JSON], 1, VECTOR_SECRET), {
      contentType: 'application/x-www-form-urlencoded',
      body: 'wsid=1&data=eyJ1cmwiOiAiLyIsICJpcCI6ICI4LjguOC44IiwgInVzZXJhZ2VudCI6ICJ4In0%3D&signature=50df56874d1ae1d20d71d77adca42de0cc0f9acf',
    });
  });

  it('derives the v2 test vector key and seals the v2 test vector', () => {
    assert.equal(
      deriveV2Key(VECTOR_SECRET).toString('hex'),
      '51c24e2360882a6a849bbd2f8959054a09eb821fc9cfec22416ca0e17be2c018',
    );
    const plaintext = '{"sent_at":1764000000000,"events":[{"url":"/","ip":"8.8.8.8","useragent":"x"}]}';
    assert.equal(
      sealV2(plaintext, 1, VECTOR_SECRET, Buffer.from('000102030405060708090a0b', 'hex')),
      '{"v":2,"wsid":1,"iv":"AAECAwQFBgcICQoL","data":"84xWb6TMzTqSGeYSrENbiAwtaaTd1if2U3/KYaXiZtbaJoW1LicVmGrlToFs5fExaFlI5C1YEe0QVqn1K6WMzEiMpYalCKNo9ZDamWsphVia/cDG/DA0/SLPixv0dOE="}',
    );
  });

  it('seals every v2 attempt with a fresh iv', () => {
    const first = JSON.parse(encodeRequest('v2', [VECTOR_JSON], 1, VECTOR_SECRET).body);
    const second = JSON.parse(encodeRequest('v2', [VECTOR_JSON], 1, VECTOR_SECRET).body);
    assert.notEqual(first.iv, second.iv);
  });

  describe('against a real tmon', () => {
    let tmon: ListeningTmon;
    before(async () => {
      tmon = await startListeningTmon();
    });
    after(() => tmon.close());

    for (const protocol of ['gen1', 'gen2', 'v2'] as TmonProtocol[]) {
      it(`delivers events with ${protocol}, ${protocol === 'v2' ? 'in one batch' : 'one per request'}`, async () => {
        const counter = countingFetch();
        const client = new TmonClient({
          server: tmon.url,
          wsid: tmon.service.id,
          secret: tmon.service.secret,
          protocol,
          fetch: counter.fetch,
          exitHooks: false,
        });
        for (let i = 0; i < 3; i++) {
          client.track({
            url: `/${protocol}/${i}`,
            ip: '8.8.8.8',
            useragent: 'x',
            username: 'ann',
            id: `${protocol}-${i}`,
          });
        }
        await client.close();
        assert.equal(client.stats().sent, 3);
        assert.equal(counter.calls(), protocol === 'v2' ? 1 : 3);
        const stored = (await storedEvents(tmon)).filter((e) => e.id?.startsWith(`${protocol}-`));
        assert.deepEqual(stored.map((e) => e.url).sort(), [`/${protocol}/0`, `/${protocol}/1`, `/${protocol}/2`]);
        assert.ok(stored.every((e) => e.username === 'ann' && e.geo?.country === 'US'));
      });
    }
  });
});
