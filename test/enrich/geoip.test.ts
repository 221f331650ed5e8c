import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type GeoLocator, openGeoLocator } from '../../src/enrich/geoip.js';
import { buildMmdb, type MmdbNetwork, uint16, uint32 } from './mmdb-writer.js';

let folder: string;
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tmon-geoip-'));
});
after(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('the shipped DB-IP City Lite database', () => {
  let geo: GeoLocator;
  before(async () => {
    geo = await openGeoLocator({});
  });

  test('names itself and asks for DB-IP attribution', () => {
    assert.match(geo.source, /^DB-IP City Lite/);
    assert.deepEqual(geo.attribution, { text: 'IP geolocation by DB-IP', url: 'https://db-ip.com' });
  });

  test('locates 8.8.8.8 in the United States with numeric coordinates', () => {
    const found = geo.locate('8.8.8.8');
    assert.equal(found?.country, 'US');
    assert.equal(found?.countryName, 'United States');
    assert.equal(typeof found?.lat, 'number');
    assert.equal(typeof found?.lng, 'number');
    assert.ok(Math.abs(found?.lat ?? 99) <= 90 && Math.abs(found?.lng ?? 999) <= 180);
  });

  test('locates 81.2.69.142 in Great Britain, with a region and a city', () => {
    const found = geo.locate('81.2.69.142');
    assert.equal(found?.country, 'GB');
    assert.equal(found?.countryName, 'United Kingdom');
    assert.equal(typeof found?.region, 'string');
    assert.equal(typeof found?.city, 'string');
  });

  test('resolves 1.1.1.1 to some country', () => {
    assert.match(geo.locate('1.1.1.1')?.country ?? '', /^[A-Z]{2}$/);
  });

  test('locates 200.160.2.3 in Brazil', () => {
    assert.equal(geo.locate('200.160.2.3')?.country, 'BR');
  });

  test('locates IPv6 addresses from the IPv6 file', () => {
    assert.equal(geo.locate('2607:f8b0:4004:800::200e')?.country, 'US');
    // DB-IP places Google's public resolver 2001:4860:4860::8888 in Montreal (CA) in this edition.
    assert.match(geo.locate('2001:4860:4860::8888')?.country ?? '', /^[A-Z]{2}$/);
  });

  test('locates an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    assert.deepEqual(geo.locate('::ffff:8.8.8.8'), geo.locate('8.8.8.8'));
    assert.deepEqual(geo.locate('::ffff:808:808'), geo.locate('8.8.8.8'));
  });

  test('answers null for private, loopback and reserved addresses', () => {
    for (const ip of ['10.0.0.1', '127.0.0.1', '192.168.1.1', '172.16.0.1', '100.64.0.1', '169.254.1.1', '0.0.0.0']) {
      assert.equal(geo.locate(ip), null, ip);
    }
    for (const ip of ['::1', '::', 'fe80::1', 'fe80::1%eth0', 'fd00::1', 'ff02::1', '2001:db8::1', '::ffff:10.0.0.1']) {
      assert.equal(geo.locate(ip), null, ip);
    }
  });

  test('answers null for text that is not an address, without throwing', () => {
    for (const ip of ['', 'garbage', '999.1.1.1', '1.2.3', '::g', '8.8.8.8 ']) assert.equal(geo.locate(ip), null, ip);
  });

  test('returns frozen results that callers cannot corrupt', () => {
    assert.ok(Object.isFrozen(geo.locate('8.8.8.8')));
  });

  test('microbench: prints the cost of one lookup, with and without the cache', async () => {
    // Deterministic spread of public addresses (no RNG): distinct /24s, as real traffic has.
    const ipv4 = Array.from(
      { length: 20_000 },
      (_, i) => `${11 + (i % 180)}.${(i * 7) % 256}.${(i * 13) % 256}.${i % 250}`,
    );
    const ipv6 = Array.from({ length: 20_000 }, (_, i) => `2a0${i % 10}:${(i * 37).toString(16)}::${i.toString(16)}`);
    const uncached = await openGeoLocator({ cacheSize: 0 });
    const nsPerLookup = (locator: GeoLocator, list: string[], rounds: number) => {
      for (const ip of list) locator.locate(ip); // warm up the JIT and mmdb-lib's record cache
      const start = process.hrtime.bigint();
      for (let r = 0; r < rounds; r++) for (const ip of list) locator.locate(ip);
      return (Number(process.hrtime.bigint() - start) / (list.length * rounds)).toFixed(0);
    };
    const hot = ipv4.slice(0, 1000);
    console.log(
      `geoip lookup, uncached: IPv4 ${nsPerLookup(uncached, ipv4, 3)} ns, IPv6 ${nsPerLookup(uncached, ipv6, 3)} ns; ` +
        `cached: 1,000 repeating IPv4 ${nsPerLookup(geo, hot, 20)} ns, ` +
        `20,000 distinct IPv4 through 10,000 entries ${nsPerLookup(geo, ipv4, 3)} ns`,
    );
    assert.equal(uncached.locate('8.8.8.8')?.country, geo.locate('8.8.8.8')?.country);
  });
});

describe('a GeoIP2-schema City database', () => {
  let geo: GeoLocator;
  before(async () => {
    const path = join(folder, 'GeoIP2-City-Test.mmdb');
    await writeFile(path, buildMmdb({ databaseType: 'GeoIP2-City', ipVersion: 6, networks: geoip2Networks }));
    geo = await openGeoLocator({ dbPath: path });
  });

  test('reads country, names, subdivision, city and location from nested records', () => {
    assert.deepEqual(geo.locate('81.2.69.142'), {
      country: 'GB',
      countryName: 'United Kingdom',
      region: 'England',
      city: 'London',
      lat: 51.5142,
      lng: -0.0931,
    });
  });

  test('answers IPv4 and IPv6 from the one file', () => {
    assert.equal(geo.locate('2a02:ff0::1')?.city, 'Istanbul');
    assert.equal(geo.locate('::ffff:81.2.69.1')?.country, 'GB');
  });

  test('names the country with Intl when the record has no English name', () => {
    assert.deepEqual(geo.locate('175.16.199.1'), {
      country: 'CN',
      countryName: 'China',
      region: null,
      city: null,
      lat: 43.88,
      lng: 125.3228,
    });
  });

  test('answers null for a record without a country and for addresses it does not hold', () => {
    assert.equal(geo.locate('89.160.20.129'), null);
    assert.equal(geo.locate('8.8.8.8'), null);
    assert.equal(geo.locate('2607:f8b0::1'), null);
  });

  test('reports the database type and path as its source, without attribution', () => {
    assert.match(geo.source, /^GeoIP2-City \(.*GeoIP2-City-Test\.mmdb, built 2023-11-14\)$/);
    assert.equal(geo.attribution, null);
  });

  test('answers only IPv4 from an IPv4-only file', async () => {
    const path = join(folder, 'GeoLite2-City-v4.mmdb');
    const networks = geoip2Networks.filter(({ network }) => !network.includes(':'));
    await writeFile(path, buildMmdb({ databaseType: 'GeoLite2-City', ipVersion: 4, networks }));
    const ipv4Only = await openGeoLocator({ dbPath: path });
    assert.equal(ipv4Only.locate('81.2.69.142')?.city, 'London');
    assert.equal(ipv4Only.locate('2a02:ff0::1'), null);
  });
});

describe('opening a database that cannot be used', () => {
  test('rejects a missing file with an error naming the path', async () => {
    const path = join(folder, 'missing.mmdb');
    await assert.rejects(openGeoLocator({ dbPath: path }), (error: Error) => {
      assert.equal(error.message, `cannot open GeoIP database ${path}: no such file`);
      return true;
    });
  });

  test('rejects a file that is not an mmdb with an error naming the path', async () => {
    const path = join(folder, 'not-a-database.mmdb');
    await writeFile(path, 'country,city\nGB,London\n');
    await assert.rejects(openGeoLocator({ dbPath: path }), (error: Error) => {
      assert.ok(error.message.startsWith(`cannot open GeoIP database ${path}: not a MaxMind DB`), error.message);
      return true;
    });
  });

  test('rejects a directory with an error naming the path', async () => {
    await assert.rejects(openGeoLocator({ dbPath: folder }), new RegExp(`${folder}: is a directory`));
  });
});

/** Records shaped like MaxMind's GeoIP2-City-Test.mmdb, trimmed to the fields tmon reads and a few it ignores. */
const geoip2Networks: MmdbNetwork[] = [
  {
    network: '81.2.69.0/24',
    record: {
      city: { geoname_id: uint32(2643743), names: { de: 'London', en: 'London' } },
      continent: { code: 'EU', geoname_id: uint32(6255148), names: { en: 'Europe' } },
      country: { geoname_id: uint32(2635167), iso_code: 'GB', names: { en: 'United Kingdom', fr: 'Royaume-Uni' } },
      location: { accuracy_radius: uint16(10), latitude: 51.5142, longitude: -0.0931, time_zone: 'Europe/London' },
      registered_country: { geoname_id: uint32(6252001), iso_code: 'US', names: { en: 'United States' } },
      subdivisions: [{ geoname_id: uint32(6269131), iso_code: 'ENG', names: { en: 'England' } }],
    },
  },
  {
    network: '175.16.199.0/24',
    record: {
      country: { geoname_id: uint32(1814991), iso_code: 'CN', names: { 'zh-CN': '中国' } },
      location: { accuracy_radius: uint16(100), latitude: 43.88, longitude: 125.3228 },
    },
  },
  {
    network: '89.160.20.128/25',
    record: { continent: { code: 'EU' }, registered_country: { iso_code: 'SE', names: { en: 'Sweden' } } },
  },
  {
    network: '2a02:ff0::/32',
    record: {
      city: { names: { en: 'Istanbul' } },
      country: { iso_code: 'TR', names: { en: 'Türkiye' } },
      location: { latitude: 41.0138, longitude: 28.9497 },
      subdivisions: [{ names: { en: 'Istanbul' } }],
    },
  },
];
