/**
 * The query API's answers as TypeBox schemas (presented by present.ts): the
 * routes serialise with them, /api/openapi.json describes them, and the
 * dashboard's types are derived from them (ui/src/dashboard/types.ts). Imports
 * nothing but TypeBox and the shared answer schemas, so the UI can import its
 * types from here.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Answer, Nullable, Timestamp } from '../answer-schemas.js';

const Requests = Type.Integer({ minimum: 0, description: 'requests counted' });

export const CountryRow = Type.Object(
  {
    country: Type.String({ description: 'ISO 3166-1 alpha-2 code' }),
    name: Type.String({ description: 'the country in English' }),
    requests: Requests,
  },
  { additionalProperties: false, title: 'country' },
);

export const CityRow = Type.Object(
  {
    city: Type.String(),
    region: Nullable(Type.String()),
    country: Nullable(Type.String()),
    lat: Nullable(Type.Number()),
    lng: Nullable(Type.Number()),
    requests: Requests,
  },
  { additionalProperties: false, title: 'city' },
);

/** os, device, browser and url rankings: the row's one key is the dimension's name */
export const ValueRow = Type.Object(
  {
    os: Type.Optional(Type.String()),
    device: Type.Optional(Type.String()),
    browser: Type.Optional(Type.String()),
    url: Type.Optional(Type.String()),
    requests: Requests,
  },
  { additionalProperties: false, title: 'os, device, browser or url' },
);

export const RankingAnswer = Answer(
  Type.Array(Type.Union([CountryRow, CityRow, ValueRow])),
  'The most frequent values in the window, most requests first; each row has the key of its dimension',
);

export const LocationPoint = Type.Object({
  lat: Type.Number(),
  lng: Type.Number(),
  city: Nullable(Type.String()),
  country: Type.String(),
  requests: Requests,
  last_ts: Timestamp,
});
export const LocationsAnswer = Answer(Type.Array(LocationPoint), 'Places of the latest requests in the box');

export const SeriesBucket = Type.Object({ ts: Timestamp, requests: Requests });
export const SeriesAnswer = Answer(Type.Array(SeriesBucket), 'Zero-filled buckets, oldest first');

/** One stored event with what tmon learnt from its ip and user agent; the live stream sends the same shape. */
export const PresentedEvent = Type.Object({
  seq: Type.Integer({ description: 'the store’s sequence number, rising' }),
  ts: Timestamp,
  received_at: Timestamp,
  url: Type.String(),
  ip: Type.String(),
  useragent: Type.String(),
  username: Nullable(Type.String()),
  method: Nullable(Type.String()),
  status: Nullable(Type.Integer()),
  duration_ms: Nullable(Type.Number()),
  referrer: Nullable(Type.String()),
  id: Nullable(Type.String({ description: 'the sender’s idempotency id' })),
  country: Nullable(Type.String()),
  country_name: Nullable(Type.String()),
  region: Nullable(Type.String()),
  city: Nullable(Type.String()),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  browser: Nullable(Type.String()),
  browser_version: Nullable(Type.String()),
  os: Nullable(Type.String()),
  os_version: Nullable(Type.String()),
  device: Type.String({ description: 'desktop, mobile, tablet, bot or other' }),
  vendor: Nullable(Type.String()),
  model: Nullable(Type.String()),
  bot: Type.Boolean(),
  extra: Nullable(
    Type.Object({}, { additionalProperties: true, description: 'every other field the sender sent, as sent' }),
  ),
});
export const LatestAnswer = Answer(Type.Array(PresentedEvent), 'The latest events, newest first');

export const LiveCounts = Type.Object({ last_second: Requests, last_minute: Requests });
/** the live stream's first message (`event: snapshot`) */
export const SnapshotFrame = Type.Object({ events: Type.Array(PresentedEvent), counts: LiveCounts });
/** each later message (`event: events`): `skipped` counts events a slow reader was not sent */
export const EventsFrame = Type.Object({
  events: Type.Array(PresentedEvent),
  skipped: Type.Integer({ minimum: 0 }),
  counts: LiveCounts,
});

export type CountryRow = Static<typeof CountryRow>;
export type CityRow = Static<typeof CityRow>;
export type ValueRow = Static<typeof ValueRow>;
export type LocationPoint = Static<typeof LocationPoint>;
export type SeriesBucket = Static<typeof SeriesBucket>;
export type PresentedEvent = Static<typeof PresentedEvent>;
export type LiveCounts = Static<typeof LiveCounts>;
export type SnapshotFrame = Static<typeof SnapshotFrame>;
export type EventsFrame = Static<typeof EventsFrame>;
