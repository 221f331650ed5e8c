/**
 * Where the map looks: zoom factor and centre, for an equirectangular
 * projection. Equirectangular because its screen rectangle is exactly a
 * lat/lng box, which is what the locations endpoint takes; horizontal pan is
 * a rotation, so the world wraps and the visible box may cross the
 * antimeridian (then sw_lng > ne_lng). Import-free (tested under node).
 */

export interface MapView {
  /** 1 = the whole world's width fits the canvas */
  k: number;
  centerLng: number;
  centerLat: number;
}

export interface GeoBox {
  neLat: number;
  neLng: number;
  swLat: number;
  swLng: number;
}

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 64;
export const INITIAL_VIEW: MapView = { k: 1, centerLng: 10, centerLat: 20 };

const DEG = 180 / Math.PI;

/** pixels per radian: at k=1 the 360° of longitude span the canvas width */
export function viewScale(view: MapView, width: number): number {
  return (width / (2 * Math.PI)) * view.k;
}

/** longitude into [-180, 180) */
export function wrapLng(lng: number): number {
  const w = (((lng + 180) % 360) + 360) % 360;
  return w - 180;
}

/** keep the zoom in range and the poles from scrolling into view */
export function clampView(view: MapView, width: number, height: number): MapView {
  const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.k));
  const scale = viewScale({ ...view, k }, width);
  const halfLat = (height / 2 / scale) * DEG;
  const centerLat = halfLat >= 90 ? 0 : Math.min(90 - halfLat, Math.max(-90 + halfLat, view.centerLat));
  return { k, centerLng: wrapLng(view.centerLng), centerLat };
}

/** drag by (dx, dy) pixels: the map follows the pointer */
export function panView(view: MapView, dx: number, dy: number, width: number, height: number): MapView {
  const scale = viewScale(view, width);
  return clampView(
    { k: view.k, centerLng: view.centerLng - (dx / scale) * DEG, centerLat: view.centerLat + (dy / scale) * DEG },
    width,
    height,
  );
}

/** zoom by `factor` keeping the place under (px, py) under the pointer */
export function zoomView(
  view: MapView,
  factor: number,
  px: number,
  py: number,
  width: number,
  height: number,
): MapView {
  const before = viewScale(view, width);
  const lng = view.centerLng + ((px - width / 2) / before) * DEG;
  const lat = view.centerLat - ((py - height / 2) / before) * DEG;
  const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.k * factor));
  const after = viewScale({ ...view, k }, width);
  return clampView(
    { k, centerLng: lng - ((px - width / 2) / after) * DEG, centerLat: lat + ((py - height / 2) / after) * DEG },
    width,
    height,
  );
}

/**
 * The lat/lng box on screen, in the locations endpoint's terms. When the
 * view is 360° wide or more the box is the whole world; otherwise its west
 * edge may lie east of its east edge (crossing the antimeridian).
 */
export function visibleBox(view: MapView, width: number, height: number): GeoBox {
  const scale = viewScale(view, width);
  const halfLng = (width / 2 / scale) * DEG;
  const halfLat = (height / 2 / scale) * DEG;
  const neLat = Math.min(90, view.centerLat + halfLat);
  const swLat = Math.max(-90, view.centerLat - halfLat);
  if (halfLng >= 180 - 1e-9) return { neLat: round(neLat), neLng: 180, swLat: round(swLat), swLng: -180 };
  let swLng = wrapLng(view.centerLng - halfLng);
  let neLng = wrapLng(view.centerLng + halfLng);
  // wrapLng maps +180 to -180; an east edge exactly on the antimeridian means 180
  if (neLng === -180) neLng = 180;
  if (swLng === 180) swLng = -180;
  return { neLat: round(neLat), neLng: round(neLng), swLat: round(swLat), swLng: round(swLng) };
}

/** 4 decimals ≈ 11 m: plenty for a query box, and short URLs */
function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** the projection's rotate/scale/translate for d3-geo's geoEquirectangular */
export function projectionParams(view: MapView, width: number, height: number) {
  const scale = viewScale(view, width);
  return {
    rotate: [-view.centerLng, 0, 0] as [number, number, number],
    scale,
    translate: [width / 2, height / 2 + (view.centerLat / DEG) * scale] as [number, number],
  };
}
