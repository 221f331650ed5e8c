/**
 * What rollups count requests by, and over which spans: the vocabulary the
 * rollups compute and the store keeps and answers queries in. It lives with
 * the rollups (the store imports rollup/, never the other way round).
 */

/** A dimension that tmon ranks requests by. */
export type Dimension = 'country' | 'city' | 'os' | 'device' | 'browser' | 'url';
export const DIMENSIONS: readonly Dimension[] = ['country', 'city', 'os', 'device', 'browser', 'url'];

export type Window = '5m' | '10m' | '1h' | '24h' | '7d' | '30d' | 'all';
export const WINDOWS: readonly Window[] = ['5m', '10m', '1h', '24h', '7d', '30d', 'all'];

export type Resolution = 'second' | 'minute' | 'hour' | 'day';
export const RESOLUTIONS: readonly Resolution[] = ['second', 'minute', 'hour', 'day'];

/** The ranked dimensions as a SQL list, for statements that must leave other rollup rows (the request series, alert signals) alone. */
export const RANKED_DIMENSIONS_SQL = DIMENSIONS.map((dim) => `'${dim}'`).join(', ');
