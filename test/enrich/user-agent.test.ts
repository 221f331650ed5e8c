import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAgentParser, parseAgent } from '../../src/enrich/user-agent.js';

const userAgents = {
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  windowsChrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.91 Safari/537.36',
  androidPhone:
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  macSafari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  linuxFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  curl: 'curl/8.5.0',
  playstation:
    'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0 Safari/605.1.15',
  smartTv: 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/538.1 (KHTML, like Gecko) Version/6.0 TV Safari/538.1',
};

describe('parsing user agents', () => {
  const parse = createAgentParser();

  test('reads an iPhone Safari as Mobile Safari on iOS, a mobile from Apple', () => {
    assert.deepEqual(parse(userAgents.iphoneSafari), {
      browser: 'Mobile Safari',
      browserVersion: '17',
      os: 'iOS',
      osVersion: '17.4.1',
      device: 'mobile',
      vendor: 'Apple',
      model: 'iPhone',
      bot: false,
    });
  });

  test('reads Windows Chrome as a desktop with the major version only', () => {
    assert.deepEqual(parse(userAgents.windowsChrome), {
      browser: 'Chrome',
      browserVersion: '124',
      os: 'Windows',
      osVersion: '10',
      device: 'desktop',
      vendor: null,
      model: null,
      bot: false,
    });
  });

  test('reads an Android phone as a mobile with its vendor and model', () => {
    const agent = parse(userAgents.androidPhone);
    assert.equal(agent.os, 'Android');
    assert.equal(agent.osVersion, '14');
    assert.equal(agent.device, 'mobile');
    assert.equal(agent.vendor, 'Samsung');
    assert.equal(agent.model, 'SM-S918B');
    assert.equal(agent.browser, 'Chrome');
  });

  test('reads an iPad as a tablet', () => {
    const agent = parse(userAgents.ipad);
    assert.equal(agent.device, 'tablet');
    assert.equal(agent.os, 'iOS');
    assert.equal(agent.model, 'iPad');
  });

  test('reads macOS and Linux browsers as desktops', () => {
    assert.equal(parse(userAgents.macSafari).device, 'desktop');
    assert.equal(parse(userAgents.linuxFirefox).device, 'desktop');
    assert.equal(parse(userAgents.linuxFirefox).browserVersion, '125');
  });

  test('flags Googlebot as a bot, whatever device it pretends to be', () => {
    for (const useragent of [userAgents.googlebot, userAgents.googlebotSmartphone]) {
      const agent = parse(useragent);
      assert.equal(agent.bot, true);
      assert.equal(agent.device, 'bot');
    }
  });

  test('flags curl as a bot: isbot lists command-line HTTP clients as automated', () => {
    assert.deepEqual(parse(userAgents.curl), {
      browser: null,
      browserVersion: null,
      os: null,
      osVersion: null,
      device: 'bot',
      vendor: null,
      model: null,
      bot: true,
    });
  });

  test('reads consoles and smart TVs as other', () => {
    assert.equal(parse(userAgents.playstation).device, 'other');
    assert.equal(parse(userAgents.smartTv).device, 'other');
  });

  test('reads an empty user agent as other, with every field null and no bot flag', () => {
    assert.deepEqual(parse(''), {
      browser: null,
      browserVersion: null,
      os: null,
      osVersion: null,
      device: 'other',
      vendor: null,
      model: null,
      bot: false,
    });
  });

  test('answers the same user agent twice with equal, shared, frozen results', () => {
    const first = parse(userAgents.windowsChrome);
    const second = parse(userAgents.windowsChrome);
    assert.equal(second, first);
    assert.deepEqual(second, parseAgent(userAgents.windowsChrome));
    assert.ok(Object.isFrozen(first));
  });

  test('parses again once a user agent has left a small cache', () => {
    const tiny = createAgentParser({ cacheSize: 1 });
    const first = tiny(userAgents.curl);
    tiny(userAgents.ipad);
    const again = tiny(userAgents.curl);
    assert.notEqual(again, first);
    assert.deepEqual(again, first);
  });

  test('microbench: prints the cost of a parse and of a cached answer', () => {
    const list = Object.values(userAgents);
    const nsPer = (fn: (useragent: string) => unknown, rounds: number) => {
      for (const useragent of list) fn(useragent);
      const start = process.hrtime.bigint();
      for (let r = 0; r < rounds; r++) for (const useragent of list) fn(useragent);
      return (Number(process.hrtime.bigint() - start) / (list.length * rounds)).toFixed(0);
    };
    const cached = createAgentParser();
    console.log(`user agent: parse ${nsPer(parseAgent, 200)} ns, cached ${nsPer(cached, 20_000)} ns`);
    assert.equal(cached(userAgents.curl).bot, true);
  });
});
