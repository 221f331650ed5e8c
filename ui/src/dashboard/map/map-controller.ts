/**
 * The map's imperative core: owns the two canvases, the view, the points and
 * the drawing schedule. Drawing happens in requestAnimationFrame, at most
 * once per frame however many causes asked for it; data-driven redraws come
 * from the live model's coalesced state (≤ 4 a second), and a slow timer
 * lets the points fade.
 */
import type { LiveModel } from '../live/live-model';
import type { LiveEvent, LocationPoint, RankWindow } from '../types';
import { type Atlas, loadAtlas } from './atlas';
import { drawBase, drawPoints, makeProjection, pointAt, prepareCanvas, type ScreenPoint } from './draw-map';
import { LocationFeed } from './location-feed';
import { buildMapPoints, type MapPoint } from './map-points';
import { currentMapTheme, onThemeChange } from './map-theme';
import { clampView, INITIAL_VIEW, type MapView, panView, visibleBox, zoomView } from './map-view';

/** zoomed in this far, the 110m outlines look coarse: fetch the 50m ones */
const FINE_ATLAS_ZOOM = 4;
const FADE_REDRAW_MS = 1_000;

export interface Hover {
  x: number;
  y: number;
  point: MapPoint;
}

export interface MapCallbacks {
  hover(hover: Hover | null): void;
  atlas(state: 'loading' | 'ready' | 'error'): void;
  zoom(k: number): void;
}

export class MapController {
  private view: MapView = INITIAL_VIEW;
  private width = 0;
  private height = 0;
  private atlas: Atlas | null = null;
  private theme = currentMapTheme();
  private latest: readonly LiveEvent[] = [];
  private boxPoints: LocationPoint[] = [];
  private points: MapPoint[] = [];
  private placed: ScreenPoint[] = [];
  private window: RankWindow = '24h';
  private clockOffset = 0;
  private frame = 0;
  private baseDirty = true;
  private lastPointsDraw = 0;
  private readonly feed: LocationFeed;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly wrap: HTMLElement,
    private readonly base: HTMLCanvasElement,
    private readonly top: HTMLCanvasElement,
    model: LiveModel,
    wsid: number,
    private readonly callbacks: MapCallbacks,
  ) {
    this.feed = new LocationFeed(wsid, (points) => {
      this.boxPoints = points;
      this.rebuildPoints();
    });

    const resize = new ResizeObserver(() => this.resize());
    resize.observe(wrap);
    this.cleanups.push(() => resize.disconnect());
    this.cleanups.push(
      onThemeChange(() => {
        this.theme = currentMapTheme();
        this.requestDraw(true);
      }),
    );
    this.cleanups.push(
      model.state.subscribe((state) => {
        if (state.latest === this.latest) return;
        this.latest = state.latest;
        const newest = state.latest[0];
        // the server's clock, estimated from its receipt time, decides a point's age, not this machine's
        if (newest !== undefined) this.clockOffset = newest.received_at - Date.now();
        this.rebuildPoints();
        this.feed.poke();
      }),
    );
    this.latest = model.state.get().latest;
    const fade = setInterval(() => {
      if (Date.now() - this.lastPointsDraw >= FADE_REDRAW_MS) this.requestDraw(false);
    }, FADE_REDRAW_MS);
    this.cleanups.push(() => clearInterval(fade));

    this.useAtlas('coarse');
    this.resize();
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    for (const cleanup of this.cleanups) cleanup();
    this.feed.dispose();
  }

  setWindow(window: RankWindow): void {
    this.window = window;
    this.queryBox();
  }

  pan(dx: number, dy: number): void {
    this.setView(panView(this.view, dx, dy, this.width, this.height));
  }

  zoom(factor: number, x = this.width / 2, y = this.height / 2): void {
    this.setView(zoomView(this.view, factor, x, y, this.width, this.height));
  }

  reset(): void {
    this.setView(clampView(INITIAL_VIEW, this.width, this.height));
  }

  hoverAt(x: number, y: number): void {
    const hit = pointAt(this.placed, x, y);
    this.callbacks.hover(hit === null ? null : { x: hit.x, y: hit.y, point: hit.point });
  }

  private setView(view: MapView): void {
    if (view.k === this.view.k && view.centerLng === this.view.centerLng && view.centerLat === this.view.centerLat) {
      return;
    }
    this.view = view;
    this.callbacks.hover(null);
    this.callbacks.zoom(view.k);
    if (view.k >= FINE_ATLAS_ZOOM && this.atlas?.detail === 'coarse') this.useAtlas('fine');
    this.requestDraw(true);
    this.queryBox();
  }

  private queryBox(): void {
    if (this.width > 0) this.feed.setQuery(visibleBox(this.view, this.width, this.height), this.window);
  }

  private resize(): void {
    const width = this.wrap.clientWidth;
    // 2:1 is the whole world; cap the height so the map never pushes everything else off screen
    const height = Math.round(Math.max(240, Math.min(width / 2, 520)));
    if (width === this.width && height === this.height) return;
    this.width = width;
    this.height = height;
    for (const canvas of [this.base, this.top]) {
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    this.wrap.style.height = `${height}px`;
    this.view = clampView(this.view, width, height);
    this.requestDraw(true);
    this.queryBox();
  }

  private useAtlas(detail: Atlas['detail']): void {
    if (this.atlas === null) this.callbacks.atlas('loading');
    loadAtlas(detail).then(
      (atlas) => {
        if (this.atlas?.detail === 'fine') return;
        this.atlas = atlas;
        this.callbacks.atlas('ready');
        this.requestDraw(true);
      },
      () => {
        if (this.atlas === null) this.callbacks.atlas('error');
      },
    );
  }

  private rebuildPoints(): void {
    this.points = buildMapPoints(this.latest, this.boxPoints);
    this.requestDraw(false);
  }

  private requestDraw(base: boolean): void {
    if (base) this.baseDirty = true;
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    if (this.width === 0) return;
    const projection = makeProjection(this.view, this.width, this.height);
    if (this.baseDirty) {
      this.baseDirty = false;
      drawBase(
        prepareCanvas(this.base, this.width, this.height),
        projection,
        this.atlas,
        this.theme,
        this.width,
        this.height,
      );
    }
    const ctx = prepareCanvas(this.top, this.width, this.height);
    const now = Date.now() + this.clockOffset;
    this.placed = drawPoints(ctx, projection, this.points, now, this.theme, this.width, this.height);
    this.lastPointsDraw = Date.now();
    // the canvas is opaque to the DOM: say how many points it shows (read by the browser tests)
    this.top.dataset.points = String(this.placed.length);
  }
}
