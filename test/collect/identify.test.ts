import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identifyBody, identifyRequest } from '../../src/collect/identify.js';
import { formObject, GEN1_BODY, GEN2_BODY, V2_BODY } from './vectors.js';

describe('identifyRequest', () => {
  it('identifies the Gen 1 vector as gen1', () => {
    assert.deepEqual(identifyRequest(formObject(GEN1_BODY), 'form'), {
      protocol: 'gen1',
      wsid: 1,
      data: 'wH2jEPWIed/p0Nrvum2gvmPHM1v+HkBIMQDbJAoUtzC55yrabYYij+Nu/isjwAQ=',
    });
  });

  it('identifies the Gen 2 vector as gen2 by its signature', () => {
    assert.deepEqual(identifyRequest(formObject(GEN2_BODY), 'form'), {
      protocol: 'gen2',
      wsid: 1,
      data: 'eyJ1cmwiOiAiLyIsICJpcCI6ICI4LjguOC44IiwgInVzZXJhZ2VudCI6ICJ4In0=',
      signature: '50df56874d1ae1d20d71d77adca42de0cc0f9acf',
    });
  });

  it('identifies the v2 vector as v2', () => {
    const body = JSON.parse(V2_BODY) as { iv: string; data: string };
    assert.deepEqual(identifyRequest(body, 'json'), { protocol: 'v2', wsid: 1, iv: body.iv, data: body.data });
  });

  it('refuses a non-numeric wsid', () => {
    for (const wsid of ['abc', '1x', '0', '-1', '1.5', '01', '99999999999999999']) {
      const refusal = identifyRequest(formObject(`wsid=${wsid}&data=AAAA`), 'form');
      assert.deepEqual(refusal, { refused: 'invalid_field', message: 'wsid must be a positive integer' }, wsid);
    }
  });

  it('refuses a form without wsid or data', () => {
    assert.deepEqual(identifyRequest(formObject('data=AAAA'), 'form'), {
      refused: 'missing_field',
      message: 'wsid is missing',
    });
    assert.deepEqual(identifyRequest(formObject('wsid=1'), 'form'), {
      refused: 'missing_field',
      message: 'data is missing',
    });
    assert.deepEqual(identifyRequest(formObject('wsid=1&data='), 'form'), {
      refused: 'missing_field',
      message: 'data is missing',
    });
  });

  it('refuses a repeated field', () => {
    assert.deepEqual(identifyRequest(formObject('wsid=1&wsid=2&data=AAAA'), 'form'), {
      refused: 'bad_request',
      message: 'wsid is repeated',
    });
    assert.deepEqual(identifyRequest(formObject(`${GEN2_BODY}&signature=00`), 'form'), {
      refused: 'bad_request',
      message: 'signature is repeated',
    });
  });

  it('refuses a form body that is not an object', () => {
    assert.equal((identifyRequest(null, 'form') as { refused: string }).refused, 'bad_request');
  });

  it('refuses a JSON body that is not an object', () => {
    for (const body of [null, [], 'x', 2]) {
      assert.equal((identifyRequest(body, 'json') as { refused: string }).refused, 'not_an_object');
    }
  });

  it('refuses a JSON body with a missing or wrong v', () => {
    assert.deepEqual(identifyRequest({ wsid: 1, iv: 'a', data: 'b' }, 'json'), {
      refused: 'bad_request',
      message: 'v is missing: a JSON body must carry "v": 2',
    });
    assert.deepEqual(identifyRequest({ v: 3, wsid: 1, iv: 'a', data: 'b' }, 'json'), {
      refused: 'bad_request',
      message: 'unsupported protocol version v=3',
    });
    assert.equal(
      (identifyRequest({ v: '2', wsid: 1, iv: 'a', data: 'b' }, 'json') as { refused: string }).refused,
      'bad_request',
    );
  });

  it('refuses a v2 body with a missing or invalid wsid, iv or data', () => {
    assert.deepEqual(identifyRequest({ v: 2, iv: 'a', data: 'b' }, 'json'), {
      refused: 'missing_field',
      message: 'wsid is missing',
    });
    for (const wsid of ['1', 0, -3, 1.5]) {
      assert.deepEqual(identifyRequest({ v: 2, wsid, iv: 'a', data: 'b' }, 'json'), {
        refused: 'invalid_field',
        message: 'wsid must be a positive integer',
      });
    }
    assert.deepEqual(identifyRequest({ v: 2, wsid: 1, data: 'b' }, 'json'), {
      refused: 'missing_field',
      message: 'iv is missing',
    });
    assert.deepEqual(identifyRequest({ v: 2, wsid: 1, iv: 'a', data: 5 }, 'json'), {
      refused: 'invalid_field',
      message: 'data must be a base64 string',
    });
  });
});

describe('identifyBody and bearer batches', () => {
  const events = [{ url: '/', ip: '8.8.8.8', useragent: 'x' }];

  it('reads a JSON body with a Bearer header as a bearer batch, in any case of the scheme', () => {
    for (const authorization of ['Bearer tmon_abc', 'bearer tmon_abc', 'BEARER\ttmon_abc']) {
      assert.deepEqual(identifyBody({ kind: 'json', text: JSON.stringify({ events }), authorization }), {
        protocol: 'bearer',
        authorization,
        events,
      });
    }
  });

  it('refuses a batch of events without a Bearer header, 401', () => {
    for (const authorization of [undefined, 'Basic YTpi']) {
      const body = {
        kind: 'json' as const,
        text: JSON.stringify({ events }),
        ...(authorization ? { authorization } : {}),
      };
      assert.equal(codeOf(identifyBody(body)), 'unauthorized', String(authorization));
    }
  });

  it('leaves a v2 body with another scheme to v2: a proxy in front may add its own Authorization', () => {
    const identified = identifyBody({ kind: 'json', text: V2_BODY, authorization: 'Basic YTpi' });
    assert.equal((identified as { protocol: string }).protocol, 'v2');
  });

  it('refuses a Bearer request that is a form, a v2 body, or no batch', () => {
    const authorization = 'Bearer tmon_abc';
    assert.equal(codeOf(identifyBody({ kind: 'form', text: GEN2_BODY, authorization })), 'unsupported_media_type');
    assert.equal(codeOf(identifyBody({ kind: 'json', text: V2_BODY, authorization })), 'bad_request');
    assert.equal(codeOf(identifyBody({ kind: 'json', text: '[]', authorization })), 'not_an_object');
    assert.equal(codeOf(identifyBody({ kind: 'json', text: '{"events":[]}', authorization })), 'bad_batch_size');
    const tooMany = JSON.stringify({ events: Array.from({ length: 10_001 }, () => events[0]) });
    assert.equal(codeOf(identifyBody({ kind: 'json', text: tooMany, authorization })), 'bad_batch_size');
  });
});

function codeOf(outcome: unknown): string | undefined {
  return (outcome as { refused?: string }).refused;
}
