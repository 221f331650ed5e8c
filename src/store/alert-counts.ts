import type { SignalDimension } from '../rollup/signals.js';

/**
 * One sum over a service's rollup rows, for alert readings: rows of one
 * dimension and resolution whose bucket start is in [from, to] and whose key
 * is in [keyFrom, keyTo). An index range on the rollups' primary key.
 */
export interface AlertCountQuery {
  serviceId: number;
  dim: 'requests' | SignalDimension;
  res: 'second' | 'minute' | 'hour';
  from: number;
  to: number;
  keyFrom: string;
  keyTo: string;
  /** one sum per key (true), or one total under key '' (false) */
  byKey: boolean;
}

/** [key, summed requests]; a total is [['', n]] (n may be 0). */
export type AlertCountRows = [string, number][];

/** The key range of every key (the request series' only key is ''). */
export const ALL_KEYS = { keyFrom: '', keyTo: '\uffff' } as const;
