/** The world map card: two stacked canvases, zoom buttons and the hover tooltip. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatAge, formatCount } from '../../shared/format';
import type { LiveModel } from '../live/live-model';
import type { RankWindow } from '../types';
import { type Hover, MapController } from './map-controller';
import { attachGestures } from './map-gestures';

interface Props {
  model: LiveModel;
  wsid: number;
  window: RankWindow;
}

export function WorldMap({ model, wsid, window }: Props) {
  const wrap = useRef<HTMLDivElement>(null);
  const base = useRef<HTMLCanvasElement>(null);
  const top = useRef<HTMLCanvasElement>(null);
  const controller = useRef<MapController | null>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const [atlas, setAtlas] = useState<'loading' | 'ready' | 'error'>('loading');
  const [zoom, setZoom] = useState(1);

  useEffect(() => {
    const map = new MapController(wrap.current!, base.current!, top.current!, model, wsid, {
      hover: setHover,
      atlas: setAtlas,
      zoom: setZoom,
    });
    controller.current = map;
    const detach = attachGestures(wrap.current!, map);
    return () => {
      detach();
      map.dispose();
      controller.current = null;
    };
  }, [model, wsid]);

  useEffect(() => controller.current?.setWindow(window), [window]);

  return (
    <section class="card map-card" aria-labelledby="map-title">
      <header class="card-head">
        <h2 id="map-title">Where requests come from</h2>
        <div class="map-tools">
          <span class="muted small" aria-live="polite">
            {atlas === 'loading'
              ? 'loading map…'
              : atlas === 'error'
                ? 'map outlines unavailable'
                : `${zoom.toFixed(1)}×`}
          </span>
          <button type="button" class="icon-button" aria-label="Zoom in" onClick={() => controller.current?.zoom(1.5)}>
            +
          </button>
          <button
            type="button"
            class="icon-button"
            aria-label="Zoom out"
            onClick={() => controller.current?.zoom(1 / 1.5)}
          >
            −
          </button>
          <button
            type="button"
            class="icon-button"
            aria-label="Reset the map view"
            onClick={() => controller.current?.reset()}
          >
            ⟲
          </button>
        </div>
      </header>
      <div
        ref={wrap}
        class="map-surface"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the map pans and zooms from the keyboard, so it takes focus
        tabIndex={0}
        role="application"
        aria-label="World map of the latest requests. Drag or use the arrow keys to pan, the wheel or + and - to zoom, 0 to reset."
      >
        <canvas ref={base} class="map-layer" />
        <canvas ref={top} class="map-layer" />
        {hover !== null && <MapTooltip hover={hover} />}
      </div>
      <p class="map-legend muted small">
        <span class="legend-dot fresh" aria-hidden="true" /> just now
        <span class="legend-dot old" aria-hidden="true" /> 10 min+ ago · size: requests at that place
      </p>
    </section>
  );
}

/** every value here came from a sender: rendered as text nodes, never as HTML */
function MapTooltip({ hover }: { hover: Hover }) {
  const { point } = hover;
  const e = point.latest;
  const place = [point.city, e?.region, point.country].filter(Boolean).join(', ') || 'Unknown place';
  const agent = e ? [e.os, e.device, e.browser].filter(Boolean).join(' · ') : '';
  const tip = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // positioned from JS (CSSOM, allowed by the CSP), flipped to stay inside the map
    const el = tip.current;
    const parent = el?.parentElement;
    if (!el || !parent) return;
    const flipX = hover.x + el.offsetWidth + 16 > parent.clientWidth;
    const flipY = hover.y + el.offsetHeight + 16 > parent.clientHeight;
    el.style.left = `${flipX ? hover.x - el.offsetWidth - 12 : hover.x + 12}px`;
    el.style.top = `${flipY ? Math.max(0, hover.y - el.offsetHeight - 12) : hover.y + 12}px`;
  });
  return (
    <div ref={tip} class="map-tooltip" role="tooltip">
      <strong>{place}</strong>
      <span>
        {formatCount(point.requests)} {point.requests === 1 ? 'request' : 'requests'} ·{' '}
        {formatAge(Date.now() - point.lastTs)}
      </span>
      {e?.url && (
        <span class="mono clip">
          {e.method ? `${e.method} ` : ''}
          {e.url}
        </span>
      )}
      {agent && <span>{agent}</span>}
      {e && <span class="muted">{new Date(e.ts).toLocaleString()}</span>}
    </div>
  );
}
