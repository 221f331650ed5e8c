/**
 * The world's outlines, from world-atlas's TopoJSON. Vite emits each file as
 * its own hashed asset (`?url`), so the map data is fetched once, cached for
 * a year and never counted in the JS bundle. 110m draws the world; the finer
 * 50m is fetched only when someone zooms in far enough to see the difference.
 */
import type { FeatureCollection, MultiLineString } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import fineUrl from 'world-atlas/countries-50m.json?url';
import coarseUrl from 'world-atlas/countries-110m.json?url';

export type AtlasDetail = 'coarse' | 'fine';

export interface Atlas {
  detail: AtlasDetail;
  land: FeatureCollection;
  borders: MultiLineString;
}

const loads = new Map<AtlasDetail, Promise<Atlas>>();

export function loadAtlas(detail: AtlasDetail): Promise<Atlas> {
  let load = loads.get(detail);
  if (load === undefined) {
    load = fetchAtlas(detail);
    // a failed fetch may be retried later (e.g. the server was restarting)
    load.catch(() => loads.delete(detail));
    loads.set(detail, load);
  }
  return load;
}

async function fetchAtlas(detail: AtlasDetail): Promise<Atlas> {
  const response = await fetch(detail === 'coarse' ? coarseUrl : fineUrl);
  if (!response.ok) throw new Error(`map data: ${response.status}`);
  const topology = (await response.json()) as Topology<{ countries: GeometryCollection }>;
  const countries = topology.objects.countries;
  return {
    detail,
    land: feature(topology, countries) as FeatureCollection,
    // shared arcs only: internal borders, drawn thinner than the coastline
    borders: mesh(topology, countries, (a, b) => a !== b),
  };
}
