/**
 * The series behind the requests chart. Fetched from the API when the
 * resolution or window changes and re-synced every 10 s; between fetches it
 * moves with every pushed batch (counted locally by the events' own time,
 * as the server buckets them), which keeps the second-resolution chart live.
 */
import { api, errorMessage } from '../../shared/api';
import { createStore } from '../../shared/store';
import type { Batch } from '../live/coalescer';
import type { LiveEvent, SeriesBucket } from '../types';
import { advanceSeries, countInSeries, type Resolution, type Series } from './series';

const RESYNC_MS = 10_000;

export const CHART_WINDOWS: Record<Resolution, { limit: number; label: string }[]> = {
  second: [
    { limit: 60, label: '1 min' },
    { limit: 300, label: '5 min' },
    { limit: 900, label: '15 min' },
  ],
  minute: [
    { limit: 60, label: '1 h' },
    { limit: 360, label: '6 h' },
    { limit: 1440, label: '24 h' },
  ],
  hour: [
    { limit: 24, label: '24 h' },
    { limit: 168, label: '7 d' },
    { limit: 720, label: '30 d' },
  ],
  day: [
    { limit: 30, label: '30 d' },
    { limit: 90, label: '90 d' },
    { limit: 365, label: '1 y' },
  ],
};

export interface ChartState {
  resolution: Resolution;
  limit: number;
  series: Series | null;
  loading: boolean;
  error: string | null;
}

export class ChartFeed {
  readonly state = createStore<ChartState>({
    resolution: 'second',
    limit: 300,
    series: null,
    loading: true,
    error: null,
  });
  /** server clock − this machine's clock, so the window slides on the server's time */
  private clockOffset = 0;
  private lastLoad = 0;
  private request = 0;

  constructor(private readonly wsid: number) {}

  choose(resolution: Resolution, limit: number): void {
    this.state.update((s) => ({ ...s, resolution, limit, loading: true }));
    void this.load();
  }

  resync(): void {
    void this.load();
  }

  applyBatch(batch: Batch<LiveEvent>): void {
    const state = this.state.get();
    if (state.series === null) return;
    const newest = batch.items[batch.items.length - 1];
    if (newest !== undefined) this.clockOffset = newest.received_at - Date.now();
    const series = advanceSeries(state.series, Date.now() + this.clockOffset);
    // advanceSeries returns the same object when the window did not move: copy before counting
    const next = series === state.series ? { ...series, requests: [...series.requests] } : series;
    for (const e of batch.items) countInSeries(next, e.ts);
    // events the stream skipped still happened: count them now, in the current bucket
    const lastIndex = next.requests.length - 1;
    if (batch.dropped > 0 && lastIndex >= 0) next.requests[lastIndex] = (next.requests[lastIndex] ?? 0) + batch.dropped;
    this.state.update((s) => ({ ...s, series: next }));
    if (batch.arrived > 0 && Date.now() - this.lastLoad > RESYNC_MS) void this.load();
  }

  private async load(): Promise<void> {
    const { resolution, limit } = this.state.get();
    const request = ++this.request;
    this.lastLoad = Date.now();
    try {
      const buckets = await api.get<SeriesBucket[]>(`/${this.wsid}/data/requests/${resolution}/${limit}`);
      if (request !== this.request) return; // a newer choice is loading
      const last = buckets[buckets.length - 1];
      // the server's current bucket is "now" on its clock (to within one bucket)
      if (last !== undefined && resolution === 'second') this.clockOffset = last.ts + 500 - Date.now();
      this.state.update((s) => ({
        ...s,
        series: { resolution, ts: buckets.map((b) => b.ts), requests: buckets.map((b) => b.requests) },
        loading: false,
        error: null,
      }));
    } catch (error) {
      if (request === this.request) this.state.update((s) => ({ ...s, loading: false, error: errorMessage(error) }));
    }
  }
}
