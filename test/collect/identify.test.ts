import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identifyRequest } from '../../src/collect/identify.js';
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
