/**
 * What a process spent its CPU on, from the V8 CPU profiles `node --cpu-prof`
 * writes (one file per thread): each sample's time goes to the function it
 * was in (self time), and functions are grouped into stages by the file they
 * come from. Built-ins without a file of their own (JSON.parse, a regular
 * expression, a buffer copy) count for the nearest caller that has one, so
 * JSON.parse inside the collect route counts as HTTP or decoding, not as
 * "other".
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface Bucket {
  name: string;
  /** matched against the function's script URL (file:///…/dist/src/…, node:…) */
  url: RegExp;
}

/** the importer: reading the file, parsing lines, building and sending the batches */
export const IMPORTER_BUCKETS: readonly Bucket[] = [
  { name: 'parsing (src/logs)', url: /\/src\/logs\// },
  {
    name: 'reading (file, lines)',
    url: /\/src\/cli\/logs\/(log-lines|log-source|source-order)\.|^node:(internal\/)?fs/,
  },
  {
    name: 'sending (batches, gzip, fetch)',
    url: /\/src\/cli\/logs\/|\/clients\/node\/|node_modules\/@tmon\/|^node:(zlib|_?http|net|internal\/(deps\/undici|http|net|stream_base|dns))/,
  },
];

/** the server: HTTP and fastify, the collect pipeline, enrichment, the store and its rollups */
export const SERVER_BUCKETS: readonly Bucket[] = [
  {
    name: 'HTTP (web, fastify, gunzip)',
    url: /\/src\/web\/|\/node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|secure-json-parse|fast-json-stringify|fast-querystring|pino)\/|^node:(zlib|_?http|net|internal\/(http|net|stream_base|streams))/,
  },
  { name: 'decoding (collect, ingest)', url: /\/src\/(collect|ingest|accounts)\// },
  {
    name: 'enrichment (GeoIP, user agent)',
    url: /\/src\/enrich\/|\/node_modules\/(maxmind|mmdb-lib|ua-parser-js|isbot|lru-cache)\//,
  },
  { name: 'insert (store, rollups)', url: /\/src\/(store|rollup)\/|\/node_modules\/better-sqlite3\// },
  { name: 'live (dashboard frames)', url: /\/src\/live\// },
];

const GC = 'garbage collection';
const OTHER = 'other';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  files: number;
  /** sampled ms per bucket (CPU, and waits inside synchronous calls), idle excluded, in the buckets' order, then GC and other */
  buckets: { name: string; ms: number }[];
  /** the functions with the most self time */
  top: { name: string; bucket: string; ms: number }[];
  totalMs: number;
}

/** Sums every `.cpuprofile` in `dir` (the threads of one process). */
export async function summariseProfiles(dir: string, buckets: readonly Bucket[], topN = 8): Promise<ProfileSummary> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  const perBucket = new Map<string, number>([...buckets.map((b) => [b.name, 0] as const), [GC, 0], [OTHER, 0]]);
  const perFunction = new Map<string, { bucket: string; ms: number }>();
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
    const { bucketOf, nameOf } = classify(profile, buckets);
    const selfMs = selfTimes(profile);
    for (const [id, ms] of selfMs) {
      const bucket = bucketOf.get(id);
      if (bucket === undefined) continue; // idle
      perBucket.set(bucket, (perBucket.get(bucket) ?? 0) + ms);
      const name = nameOf.get(id) as string;
      const entry = perFunction.get(name) ?? { bucket, ms: 0 };
      entry.ms += ms;
      perFunction.set(name, entry);
    }
  }
  const top = [...perFunction]
    .map(([name, { bucket, ms }]) => ({ name, bucket, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, topN);
  const list = [...perBucket].map(([name, ms]) => ({ name, ms }));
  return { files: files.length, buckets: list, top, totalMs: list.reduce((sum, b) => sum + b.ms, 0) };
}

/** ms of self time per node: a sample lasts until the next one (V8's timeDeltas[i] leads up to sample i) */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const id = profile.samples[i] as number;
    out.set(id, (out.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return out;
}

/** Each node's bucket (none for idle) and a readable name: "fn file.js:line", a built-in named after its caller's file. */
function classify(
  profile: CpuProfile,
  buckets: readonly Bucket[],
): { bucketOf: Map<number, string>; nameOf: Map<number, string> } {
  const bucketOf = new Map<number, string>();
  const nameOf = new Map<number, string>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const visit = (id: number, inherited: string) => {
    const node = byId.get(id) as ProfileNode;
    const { functionName, url, lineNumber } = node.callFrame;
    let bucket = inherited;
    if (functionName === '(garbage collector)') bucket = GC;
    else if (url !== '') bucket = buckets.find((b) => b.url.test(url))?.name ?? OTHER;
    if (functionName !== '(idle)') bucketOf.set(id, bucket);
    const where = url === '' ? '' : ` ${path.basename(url)}:${lineNumber + 1}`;
    nameOf.set(id, `${functionName || '(anonymous)'}${where}`);
    for (const child of node.children ?? []) visit(child, bucket);
  };
  // the root is "(root)"; its children are the entry points, "(program)", "(garbage collector)" and "(idle)"
  const root = profile.nodes[0];
  if (root) visit(root.id, OTHER);
  return { bucketOf, nameOf };
}
