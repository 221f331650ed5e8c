import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { geoEquirectangular } from 'd3-geo';
import {
  INITIAL_VIEW,
  type MapView,
  panView,
  projectionParams,
  visibleBox,
  zoomView,
} from '../../ui/src/dashboard/map/map-view.js';

const W = 1000;
const H = 500;

function projection(view: MapView) {
  const p = projectionParams(view, W, H);
  return geoEquirectangular().rotate(p.rotate).scale(p.scale).translate(p.translate);
}

describe('the map view', () => {
  it('asks for the whole world when zoomed out', () => {
    assert.deepEqual(visibleBox({ k: 1, centerLng: 0, centerLat: 0 }, W, H), {
      neLat: 90,
      neLng: 180,
      swLat: -90,
      swLng: -180,
    });
  });

  it('gives a box that crosses the antimeridian when the view straddles it', () => {
    const view: MapView = { k: 8, centerLng: 178, centerLat: -17 }; // Fiji
    const box = visibleBox(view, W, H);
    assert.ok(box.swLng > box.neLng, `sw_lng ${box.swLng} should be east of ne_lng ${box.neLng}`);
    assert.ok(box.swLng >= -180 && box.swLng <= 180 && box.neLng >= -180 && box.neLng <= 180);
    // the corners the box names are the corners the projection shows
    const [swX, swY] = projection(view)([box.swLng, box.swLat])!;
    const [neX, neY] = projection(view)([box.neLng, box.neLat])!;
    assert.ok(Math.abs(swX) < 0.5 && Math.abs(swY - H) < 0.5, `sw corner at ${swX},${swY}`);
    assert.ok(Math.abs(neX - W) < 0.5 && Math.abs(neY) < 0.5, `ne corner at ${neX},${neY}`);
  });

  it('gives an ordinary box away from the antimeridian', () => {
    const box = visibleBox({ k: 4, centerLng: 10, centerLat: 50 }, W, H);
    assert.ok(box.swLng < box.neLng);
    assert.ok(box.swLat < 50 && box.neLat > 50);
  });

  it('keeps the place under the pointer while zooming', () => {
    const before = projection(INITIAL_VIEW).invert!([700, 150])!;
    const zoomed = zoomView(INITIAL_VIEW, 2, 700, 150, W, H);
    const after = projection(zoomed)(before)!;
    assert.ok(Math.abs(after[0] - 700) < 0.5 && Math.abs(after[1] - 150) < 0.5, `moved to ${after}`);
  });

  it('wraps around the world when panned far east and keeps the poles off screen', () => {
    const panned = panView({ k: 2, centerLng: 170, centerLat: 0 }, -200, 10_000, W, H);
    assert.ok(panned.centerLng < -150, `centre ${panned.centerLng} wrapped west of the antimeridian`);
    const box = visibleBox(panned, W, H);
    assert.ok(box.swLat >= -90);
  });
});
