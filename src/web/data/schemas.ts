/** Path and query schemas of the data API (docs/api.md); fastify validates them and answers 400 with the reason. */
import { Type } from '@sinclair/typebox';
import { DIMENSIONS, RESOLUTIONS, WINDOWS } from '../../store/store.js';

/** A string enum as plain JSON schema `enum`, so a wrong value is told the allowed ones (not anyOf noise). */
function StringEnum<T extends string>(values: readonly T[], options: { default?: T } = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
}

export const WsidParams = Type.Object({
  wsid: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});

const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lng = Type.Number({ minimum: -180, maximum: 180 });

export const RankingParams = Type.Object({
  wsid: WsidParams.properties.wsid,
  dimension: StringEnum(DIMENSIONS),
});

export const LocationParams = Type.Object({
  wsid: WsidParams.properties.wsid,
  neLat: Lat,
  neLng: Lng,
  swLat: Lat,
  swLng: Lng,
});

export const SeriesParams = Type.Object({
  wsid: WsidParams.properties.wsid,
  resolution: StringEnum(RESOLUTIONS),
  limit: Type.Integer({ minimum: 1, maximum: 3600 }),
});

const WindowQuery = StringEnum(WINDOWS, { default: '24h' });

export const RankingQuery = Type.Object(
  { window: WindowQuery, limit: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }) },
  { additionalProperties: false },
);

export const LocationQuery = Type.Object(
  { window: WindowQuery, limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }) },
  { additionalProperties: false },
);

export const LatestQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) },
  { additionalProperties: false },
);
