/** The client's settings: defaults, and the checks that make a misconfiguration fail at construction, not later. */
import { V2_MAX_EVENTS } from './protocols/v2.js';
import type { TmonClientOptions, TmonProtocol } from './types.js';

export const DEFAULTS = {
  protocol: 'v2' as TmonProtocol,
  batchSize: 100,
  flushIntervalMs: 1_000,
  maxQueue: 10_000,
  concurrency: 2,
  maxRetries: 10,
  retryBaseMs: 500,
  retryMaxMs: 30_000,
  timeoutMs: 10_000,
  closeTimeoutMs: 5_000,
};

export type Settings = TmonClientOptions & typeof DEFAULTS;

export function settingsFrom(options: TmonClientOptions): Settings {
  const settings = {
    ...DEFAULTS,
    ...definedOnly(options),
    server: options.server,
    wsid: options.wsid,
    secret: options.secret,
  };
  checkOptions(settings);
  return settings;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function checkOptions(options: Settings): void {
  const fail = (message: string): never => {
    throw new TypeError(`TmonClient: ${message}`);
  };
  try {
    new URL(options.server);
  } catch {
    fail(`server must be a URL such as http://localhost:8000, not ${JSON.stringify(options.server)}`);
  }
  if (!Number.isInteger(options.wsid) || options.wsid < 1) fail('wsid must be a positive integer');
  if (typeof options.secret !== 'string' || !/^[\x21-\x7e]+$/.test(options.secret)) {
    fail('secret must be the service secret (printable ASCII)');
  }
  if (!['v2', 'gen1', 'gen2'].includes(options.protocol)) fail('protocol must be v2, gen1 or gen2');
  if (options.protocol === 'gen1' && ![16, 24, 32].includes(options.secret.length)) {
    fail('a Gen 1 secret must be 16, 24 or 32 characters');
  }
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > V2_MAX_EVENTS) {
    fail(`batchSize must be an integer from 1 to ${V2_MAX_EVENTS}`);
  }
  for (const name of ['maxQueue', 'concurrency'] as const) {
    if (!Number.isInteger(options[name]) || options[name] < 1) fail(`${name} must be a positive integer`);
  }
  for (const name of [
    'flushIntervalMs',
    'maxRetries',
    'retryBaseMs',
    'retryMaxMs',
    'timeoutMs',
    'closeTimeoutMs',
  ] as const) {
    if (typeof options[name] !== 'number' || !(options[name] >= 0)) fail(`${name} must be a number ≥ 0`);
  }
}
