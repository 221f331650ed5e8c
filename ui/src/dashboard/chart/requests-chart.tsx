/**
 * The requests chart (uPlot on canvas): resolution and window pickers, and a
 * chart that follows the feed's series. uPlot is created once per resolution
 * and theme; each batch only calls setData (≤ 4 times a second). Alert
 * transitions from the alerts feed are drawn over it (alert-markers.ts).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatCompact, formatCount } from '../../shared/format';
import { useStore } from '../../shared/store';
import type { AlertsFeed } from '../alerts/alerts-feed';
import { onThemeChange } from '../map/map-theme';
import { alertMarkers } from './alert-markers';
import { CHART_WINDOWS, type ChartFeed } from './chart-feed';
import type { Resolution, Series } from './series';

const RESOLUTIONS: Resolution[] = ['second', 'minute', 'hour', 'day'];
const MIN_HEIGHT = 200;
const BUCKET_SECONDS: Record<Resolution, number> = { second: 1, minute: 60, hour: 3600, day: 86_400 };

export function RequestsChart({ feed, alerts }: { feed: ChartFeed; alerts: AlertsFeed }) {
  const state = useStore(feed.state);
  const { transitions } = useStore(alerts.state);
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // the markers plugin reads the latest transitions at each draw
  const marked = useRef(transitions);
  marked.current = transitions;

  // (re)create the chart when the resolution changes or the system theme flips
  useEffect(() => {
    const el = holder.current!;
    // the chart fills its holder, which the grid stretches to the map's height beside it
    const size = () => ({ width: Math.max(200, el.clientWidth), height: Math.max(MIN_HEIGHT, el.clientHeight) });
    const create = () => {
      plot.current?.destroy();
      const options = chartOptions(state.resolution, size());
      options.plugins = [alertMarkers(() => marked.current, BUCKET_SECONDS[state.resolution])];
      plot.current = new uPlot(options, toData(feed.state.get().series), el);
    };
    create();
    const resize = new ResizeObserver(() => plot.current?.setSize(size()));
    resize.observe(el);
    const offTheme = onThemeChange(create);
    return () => {
      resize.disconnect();
      offTheme();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [feed, state.resolution]);

  useEffect(() => {
    plot.current?.setData(toData(state.series));
  }, [state.series]);

  useEffect(() => {
    // the transitions are no input of redraw: they are the reason to draw the markers again
    void transitions;
    plot.current?.redraw(false, false);
  }, [transitions]);

  const total = state.series?.requests.reduce((n, v) => n + v, 0) ?? 0;
  return (
    <section class="card chart-card" aria-labelledby="chart-title">
      <header class="card-head wrap">
        <h2 id="chart-title">Requests</h2>
        <span class="muted small">
          {state.loading && state.series === null ? 'loading…' : `${formatCount(total)} in this window`}
          {state.resolution === 'second' && <span class="live-tag">live</span>}
        </span>
        <div class="toolbar">
          <Segmented
            label="Resolution"
            options={RESOLUTIONS.map((r) => ({ value: r, label: r }))}
            value={state.resolution}
            onChange={(r) => {
              const resolution = r as Resolution;
              feed.choose(resolution, CHART_WINDOWS[resolution][1]!.limit);
            }}
          />
          <Segmented
            label="Window"
            options={CHART_WINDOWS[state.resolution].map((w) => ({ value: String(w.limit), label: w.label }))}
            value={String(state.limit)}
            onChange={(limit) => feed.choose(state.resolution, Number(limit))}
          />
        </div>
      </header>
      {state.error && (
        <p class="error-text" role="alert">
          {state.error}
        </p>
      )}
      <div class="chart-frame">
        <div ref={holder} class="chart-holder" role="img" aria-label={`Requests per ${state.resolution}`} />
      </div>
    </section>
  );
}

interface SegmentedProps {
  label: string;
  options: { value: string; label: string }[];
  value: string;
  onChange(value: string): void;
}

/** a row of toggle buttons: one pressed at a time, reachable with Tab */
export function Segmented({ label, options, value, onChange }: SegmentedProps) {
  return (
    <fieldset class="segmented">
      <legend class="visually-hidden">{label}</legend>
      {options.map((o) => (
        <button key={o.value} type="button" aria-pressed={o.value === value} onClick={() => onChange(o.value)}>
          {o.label}
        </button>
      ))}
    </fieldset>
  );
}

function toData(series: Series | null): uPlot.AlignedData {
  if (series === null) return [[], []];
  return [series.ts.map((t) => t / 1000), series.requests];
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function chartOptions(resolution: Resolution, size: { width: number; height: number }): uPlot.Options {
  const accent = cssVar('--accent', '#2563eb');
  const text = cssVar('--muted', '#64748b');
  const grid = cssVar('--grid', 'rgba(100,116,139,0.15)');
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    ...size,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [axis, { ...axis, size: 56, values: (_u, ticks) => ticks.map((v) => formatCompact(v)) }],
    series: [
      {},
      {
        label: `requests/${resolution}`,
        stroke: accent,
        width: 1.5,
        fill: `${accent}33`,
        points: { show: false },
        paths: resolution === 'second' ? uPlot.paths.bars!({ size: [0.8, 12] }) : undefined,
      },
    ],
  };
}
