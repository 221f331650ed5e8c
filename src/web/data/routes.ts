/**
 * The query API (docs/api.md): validate → authorize (404 for what the caller may
 * not see) → read rollups or an indexed range → present.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { Clock } from '../../clock.js';
import type { EventStore } from '../../store/event-store.js';
import { ERROR_RESPONSES, SESSION_OR_TOKEN } from '../answer-schemas.js';
import { requireVisibleService } from '../auth/visible-service.js';
import { HttpError } from '../errors.js';
import { LatestAnswer, LocationsAnswer, RankingAnswer, SeriesAnswer } from './answers.js';
import { presentEvent, presentLocation, presentRanking } from './present.js';
import {
  LatestQuery,
  LocationParams,
  LocationQuery,
  RankingParams,
  RankingQuery,
  SeriesParams,
  WsidParams,
} from './schemas.js';

export interface DataRouteDeps {
  store: EventStore;
  accounts: Accounts;
  clock: Clock;
}

/** Who may read: a session or a token of any scope but ingest; a service the caller may not see answers 404. */
const QUERY_ROUTE = { tags: ['query'], security: SESSION_OR_TOKEN };

export async function dataRoutes(fastify: FastifyInstance, { store, accounts, clock }: DataRouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const visible = async (request: FastifyRequest, wsid: number) =>
    (await requireVisibleService(request, accounts, wsid)).service;

  app.get(
    '/:wsid/data/users/locations/:neLat/:neLng/:swLat/:swLng',
    {
      schema: {
        summary:
          'Places of the latest requests in a box (north-east and south-west corners; may cross the antimeridian)',
        ...QUERY_ROUTE,
        params: LocationParams,
        querystring: LocationQuery,
        response: { 200: LocationsAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { wsid, neLat, neLng, swLat, swLng } = request.params;
      if (swLat > neLat) throw new HttpError('bad_request', 'sw_lat must not be north of ne_lat');
      const service = await visible(request, wsid);
      const { window, limit } = request.query;
      const points = await store.locations(service.id, { neLat, neLng, swLat, swLng }, window, limit, clock());
      return { status: 200 as const, results: points.map(presentLocation) };
    },
  );

  app.get(
    '/:wsid/data/users/:dimension',
    {
      schema: {
        summary: 'The most frequent countries, cities, operating systems, devices, browsers or URLs in a window',
        ...QUERY_ROUTE,
        params: RankingParams,
        querystring: RankingQuery,
        response: { 200: RankingAnswer, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { wsid, dimension } = request.params;
      const service = await visible(request, wsid);
      const { window, limit } = request.query;
      const values = await store.topValues(service.id, dimension, window, limit, clock());
      return { status: 200 as const, results: presentRanking(dimension, values) };
    },
  );

  const seriesSchema = {
    summary: 'Requests per second, minute, hour or day: exactly `limit` buckets, ending with the current one',
    ...QUERY_ROUTE,
    params: SeriesParams,
    response: { 200: SeriesAnswer, ...ERROR_RESPONSES },
  };
  app.get('/:wsid/data/requests/:resolution/:limit', { schema: seriesSchema }, async (request) => {
    const { wsid, resolution, limit } = request.params;
    const service = await visible(request, wsid);
    return { status: 200 as const, results: await store.requestSeries(service.id, resolution, limit, clock()) };
  });

  const latestSchema = {
    summary: 'The latest events, newest first, with every stored field',
    ...QUERY_ROUTE,
    params: WsidParams,
    querystring: LatestQuery,
    response: { 200: LatestAnswer, ...ERROR_RESPONSES },
  };
  app.get('/:wsid/data/latest', { schema: latestSchema }, async (request) => {
    const service = await visible(request, request.params.wsid);
    const events = await store.latestEvents(service.id, request.query.limit);
    return { status: 200 as const, results: events.map(presentEvent) };
  });
}
