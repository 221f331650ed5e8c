/**
 * The query API (docs/api.md): validate → authorize (404 for what the caller may
 * not see) → read rollups or an indexed range → present.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/store.js';
import { requireVisibleService } from '../auth/visible-service.js';
import { HttpError } from '../errors.js';
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
  store: Store;
  accounts: Accounts;
  clock: Clock;
}

export async function dataRoutes(fastify: FastifyInstance, { store, accounts, clock }: DataRouteDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const visible = async (request: FastifyRequest, wsid: number) =>
    (await requireVisibleService(request, accounts, wsid)).service;

  app.get(
    '/:wsid/data/users/locations/:neLat/:neLng/:swLat/:swLng',
    { schema: { params: LocationParams, querystring: LocationQuery } },
    async (request) => {
      const { wsid, neLat, neLng, swLat, swLng } = request.params;
      if (swLat > neLat) throw new HttpError('bad_request', 'sw_lat must not be north of ne_lat');
      const service = await visible(request, wsid);
      const { window, limit } = request.query;
      const points = await store.locations(service.id, { neLat, neLng, swLat, swLng }, window, limit, clock());
      return { status: 200, results: points.map(presentLocation) };
    },
  );

  app.get(
    '/:wsid/data/users/:dimension',
    { schema: { params: RankingParams, querystring: RankingQuery } },
    async (request) => {
      const { wsid, dimension } = request.params;
      const service = await visible(request, wsid);
      const { window, limit } = request.query;
      const values = await store.topValues(service.id, dimension, window, limit, clock());
      return { status: 200, results: presentRanking(dimension, values) };
    },
  );

  app.get('/:wsid/data/requests/:resolution/:limit', { schema: { params: SeriesParams } }, async (request) => {
    const { wsid, resolution, limit } = request.params;
    const service = await visible(request, wsid);
    return { status: 200, results: await store.requestSeries(service.id, resolution, limit, clock()) };
  });

  app.get('/:wsid/data/latest', { schema: { params: WsidParams, querystring: LatestQuery } }, async (request) => {
    const service = await visible(request, request.params.wsid);
    const events = await store.latestEvents(service.id, request.query.limit);
    return { status: 200, results: events.map(presentEvent) };
  });
}
