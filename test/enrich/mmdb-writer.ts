/**
 * A MaxMind DB writer small enough to read: enough of the format (v2.0,
 * https://maxmind.github.io/MaxMind-DB/) to build fixture databases of a few networks, so that
 * the GeoIP2 nested schema is tested without shipping a licensed GeoLite2 file.
 *
 * Layout: search tree (24-bit records) · 16 zero bytes · data section · "\xAB\xCD\xEFMaxMind.com" · metadata map.
 * No pointers and no deduplication: each network's record is written once, in full.
 */
import { isIP } from 'node:net';

export type MmdbValue = string | number | boolean | MmdbUint | readonly MmdbValue[] | { [key: string]: MmdbValue };
/** Plain numbers are written as doubles; integers whose type matters go through uint16/32/64. */
export interface MmdbUint {
  readonly uintBytes: 2 | 4 | 8;
  readonly value: bigint;
}

export const uint16 = (value: number): MmdbUint => ({ uintBytes: 2, value: BigInt(value) });
export const uint32 = (value: number): MmdbUint => ({ uintBytes: 4, value: BigInt(value) });
export const uint64 = (value: number): MmdbUint => ({ uintBytes: 8, value: BigInt(value) });

export interface MmdbNetwork {
  /** CIDR text: `81.2.69.0/24` or `2a02:ff0::/32` */
  network: string;
  record: MmdbValue;
}

export interface MmdbOptions {
  databaseType: string;
  ipVersion: 4 | 6;
  networks: readonly MmdbNetwork[];
  languages?: readonly string[];
  buildEpochSeconds?: number;
}

const recordBytes = 3; // record_size 24
const metadataMarker = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');

export function buildMmdb(options: MmdbOptions): Buffer {
  const { ipVersion } = options;
  const records: Buffer[] = [];
  let dataLength = 0;
  const tree: TreeRecord[][] = [[{ kind: 'empty' }, { kind: 'empty' }]];
  for (const { network, record } of options.networks) {
    const encoded = encode(record);
    insert(tree, networkBits(network, ipVersion), { kind: 'data', offset: dataLength });
    records.push(encoded);
    dataLength += encoded.length;
  }
  const nodeCount = tree.length;
  const treeBytes = Buffer.alloc(nodeCount * 2 * recordBytes);
  tree.forEach((node, index) => {
    node.forEach((record, side) => {
      const value =
        record.kind === 'node' ? record.node : record.kind === 'data' ? nodeCount + 16 + record.offset : nodeCount;
      treeBytes.writeUIntBE(value, (index * 2 + side) * recordBytes, recordBytes);
    });
  });
  const metadata = encode({
    binary_format_major_version: uint16(2),
    binary_format_minor_version: uint16(0),
    build_epoch: uint64(options.buildEpochSeconds ?? 1_700_000_000),
    database_type: options.databaseType,
    description: { en: `tmon test fixture: ${options.databaseType}` },
    ip_version: uint16(ipVersion),
    languages: options.languages ?? ['en'],
    node_count: uint32(nodeCount),
    record_size: uint16(recordBytes * 8),
  });
  return Buffer.concat([treeBytes, Buffer.alloc(16), ...records, metadataMarker, metadata]);
}

type TreeRecord = { kind: 'empty' } | { kind: 'node'; node: number } | { kind: 'data'; offset: number };

function insert(tree: TreeRecord[][], bits: readonly number[], leaf: TreeRecord): void {
  let node = 0;
  bits.forEach((bit, depth) => {
    const current = tree[node];
    if (current === undefined) throw new Error('broken tree');
    if (depth === bits.length - 1) {
      current[bit] = leaf;
      return;
    }
    const next = current[bit];
    if (next?.kind === 'node') {
      node = next.node;
    } else if (next?.kind === 'empty') {
      tree.push([{ kind: 'empty' }, { kind: 'empty' }]);
      node = tree.length - 1;
      current[bit] = { kind: 'node', node };
    } else {
      throw new Error('overlapping networks are not supported by this writer');
    }
  });
}

/** The prefix's bits from the top of the tree; IPv4 networks in an IPv6 tree live under ::/96. */
function networkBits(cidr: string, ipVersion: 4 | 6): number[] {
  const [address = '', lengthText = ''] = cidr.split('/');
  const family = isIP(address);
  const length = Number(lengthText);
  if (family === 0 || !Number.isInteger(length)) throw new Error(`bad network ${cidr}`);
  if (family === 6 && ipVersion === 4) throw new Error(`IPv6 network ${cidr} in an IPv4 database`);
  const bytes = family === 4 ? address.split('.').map(Number) : ipv6Bytes(address);
  const bits: number[] = family === 4 && ipVersion === 6 ? new Array<number>(96).fill(0) : [];
  for (let i = 0; i < length; i++) bits.push(((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1);
  return bits;
}

function ipv6Bytes(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const groups = (text: string | undefined) => (text ? text.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((group) => [group >> 8, group & 0xff]);
}

// Data types (spec § "Output Data Section"): 2 string, 3 double, 5 uint16, 6 uint32, 7 map,
// and, through the extended type byte, 9 uint64, 11 array, 14 boolean.
function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if (typeof value === 'boolean') return control(14, value ? 1 : 0);
  if (isUint(value)) {
    const type = value.uintBytes === 2 ? 5 : value.uintBytes === 4 ? 6 : 9;
    const bytes: number[] = [];
    for (let rest = value.value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
    return Buffer.concat([control(type, bytes.length), Buffer.from(bytes)]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  }
  const entries = Object.entries(value as { [key: string]: MmdbValue });
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([key, item]) => [encode(key), encode(item)])]);
}

function isUint(value: MmdbValue): value is MmdbUint {
  return typeof value === 'object' && value !== null && 'uintBytes' in value;
}

/** Control byte: type in the top 3 bits (0 + a type byte when > 7), size in the low 5 (29–31: more bytes follow). */
function control(type: number, size: number): Buffer {
  let sizeBits: number;
  let sizeBytes: number[];
  if (size < 29) {
    sizeBits = size;
    sizeBytes = [];
  } else if (size < 285) {
    sizeBits = 29;
    sizeBytes = [size - 29];
  } else if (size < 65_821) {
    sizeBits = 30;
    sizeBytes = [(size - 285) >> 8, (size - 285) & 0xff];
  } else {
    sizeBits = 31;
    const rest = size - 65_821;
    sizeBytes = [rest >> 16, (rest >> 8) & 0xff, rest & 0xff];
  }
  const head = type <= 7 ? [(type << 5) | sizeBits] : [sizeBits, type - 7];
  return Buffer.from([...head, ...sizeBytes]);
}
