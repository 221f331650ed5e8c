/**
 * Canvas drawing for the map, in two layers: the base (sea, land, borders),
 * redrawn only when the view, size or theme changes, and the points, redrawn
 * with each batch (≤ 4 a second) and as they fade.
 */
import { type GeoProjection, geoEquirectangular, geoGraticule10, geoPath } from 'd3-geo';
import type { Atlas } from './atlas';
import type { MapPoint } from './map-points';
import type { MapTheme } from './map-theme';
import { type MapView, projectionParams } from './map-view';
import { pointStyle } from './point-style';

export function makeProjection(view: MapView, width: number, height: number): GeoProjection {
  const p = projectionParams(view, width, height);
  return geoEquirectangular()
    .rotate(p.rotate)
    .scale(p.scale)
    .translate(p.translate)
    .clipExtent([
      [0, 0],
      [width, height],
    ]);
}

/** size the canvas's backing store to its CSS box × devicePixelRatio; returns a context in CSS pixels */
export function prepareCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = Math.min(window.devicePixelRatio || 1, 3);
  const w = Math.round(width * ratio);
  const h = Math.round(height * ratio);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

const graticule = geoGraticule10();

export function drawBase(
  ctx: CanvasRenderingContext2D,
  projection: GeoProjection,
  atlas: Atlas | null,
  theme: MapTheme,
  width: number,
  height: number,
): void {
  ctx.fillStyle = theme.sea;
  ctx.fillRect(0, 0, width, height);
  const path = geoPath(projection, ctx);

  ctx.beginPath();
  path(graticule);
  ctx.strokeStyle = theme.graticule;
  ctx.lineWidth = 1;
  ctx.stroke();

  if (atlas === null) return;
  ctx.beginPath();
  path(atlas.land);
  ctx.fillStyle = theme.land;
  ctx.fill();
  ctx.strokeStyle = theme.coast;
  ctx.lineWidth = 0.6;
  ctx.stroke();

  ctx.beginPath();
  path(atlas.borders);
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 0.5;
  ctx.stroke();
}

export interface ScreenPoint {
  x: number;
  y: number;
  radius: number;
  point: MapPoint;
}

/** draws the points and returns where they landed, for hit-testing the pointer */
export function drawPoints(
  ctx: CanvasRenderingContext2D,
  projection: GeoProjection,
  points: readonly MapPoint[],
  now: number,
  theme: MapTheme,
  width: number,
  height: number,
): ScreenPoint[] {
  ctx.clearRect(0, 0, width, height);
  const placed: ScreenPoint[] = [];
  for (const point of points) {
    const xy = projection([point.lng, point.lat]);
    if (xy === null) continue;
    const [x, y] = xy;
    if (x < -20 || y < -20 || x > width + 20 || y > height + 20) continue;
    const style = pointStyle(now - point.lastTs, point.requests, theme.fresh, theme.old);
    if (style.halo > 0) {
      ctx.beginPath();
      ctx.arc(x, y, style.radius + 10 * (1 - style.halo) + 3, 0, Math.PI * 2);
      ctx.fillStyle = `${theme.halo}${(0.35 * style.halo).toFixed(3)})`;
      ctx.fill();
    }
    ctx.beginPath();
    ctx.arc(x, y, style.radius, 0, Math.PI * 2);
    ctx.fillStyle = style.color;
    ctx.fill();
    placed.push({ x, y, radius: style.radius, point });
  }
  return placed;
}

/** the topmost point under (x, y), with a few pixels of slack for small points */
export function pointAt(placed: readonly ScreenPoint[], x: number, y: number): ScreenPoint | null {
  for (let i = placed.length - 1; i >= 0; i--) {
    const p = placed[i]!;
    const reach = Math.max(p.radius, 4) + 3;
    if ((p.x - x) ** 2 + (p.y - y) ** 2 <= reach * reach) return p;
  }
  return null;
}
