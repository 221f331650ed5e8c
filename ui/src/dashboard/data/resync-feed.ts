/**
 * Rankings, breakdowns and the hour/day totals are not pushed: they are
 * re-read from the query API, but only because pushed frames said something
 * changed, and at most every 600 ms while they keep changing: one viewer at
 * 2,000 events/s costs the server ~13 small index reads a second, not one per
 * event. After a quiet spell the first change is re-read at once (see
 * RefreshThrottle), so rankings follow an event by a frame plus one or two
 * reads; under a steady stream, by up to the interval plus a read.
 */
import { api, errorMessage } from '../../shared/api';
import { createStore } from '../../shared/store';
import type { CityRow, CountryRow, RankWindow, SeriesBucket } from '../types';
import { RefreshThrottle } from './refresh-throttle';

const MIN_INTERVAL_MS = 600;

export interface Rankings {
  country: CountryRow[];
  city: CityRow[];
  os: { os: string; requests: number }[];
  device: { device: string; requests: number }[];
  browser: { browser: string; requests: number }[];
  url: { url: string; requests: number }[];
}

export interface ResyncState {
  window: RankWindow;
  rankings: Rankings | null;
  /** requests in the last 60 minutes and the last 24 hours (the current bucket included) */
  lastHour: number | null;
  lastDay: number | null;
  loading: boolean;
  error: string | null;
  updatedAt: number | null;
}

export class ResyncFeed {
  readonly state = createStore<ResyncState>({
    window: '24h',
    rankings: null,
    lastHour: null,
    lastDay: null,
    loading: true,
    error: null,
    updatedAt: null,
  });
  private readonly throttle = new RefreshThrottle(() => this.load(), MIN_INTERVAL_MS);

  constructor(private readonly wsid: number) {}

  setWindow(window: RankWindow): void {
    this.state.update((s) => ({ ...s, window, loading: true }));
    this.refreshNow();
  }

  /** something changed: refresh soon, but not more often than every MIN_INTERVAL_MS */
  poke(): void {
    this.throttle.poke();
  }

  refreshNow(): void {
    this.throttle.now();
  }

  dispose(): void {
    this.throttle.dispose();
  }

  private async load(): Promise<void> {
    const { window } = this.state.get();
    const base = `/${this.wsid}/data`;
    const rank = <T>(dimension: string, limit: number) =>
      api.get<T>(`${base}/users/${dimension}?window=${window}&limit=${limit}`);
    const sum = (buckets: SeriesBucket[]) => buckets.reduce((n, b) => n + b.requests, 0);
    try {
      const [country, city, os, device, browser, url, minutes, hours] = await Promise.all([
        // every country (there are < 300): their sum is the window's total, the denominator for shares
        rank<Rankings['country']>('country', 300),
        rank<Rankings['city']>('city', 10),
        rank<Rankings['os']>('os', 8),
        rank<Rankings['device']>('device', 8),
        rank<Rankings['browser']>('browser', 8),
        rank<Rankings['url']>('url', 10),
        api.get<SeriesBucket[]>(`${base}/requests/minute/60`),
        api.get<SeriesBucket[]>(`${base}/requests/hour/24`),
      ]);
      // the window changed while this was in flight: drop the answer, the next load is queued
      if (this.state.get().window !== window) return;
      this.state.update((s) => ({
        ...s,
        rankings: { country, city, os, device, browser, url },
        lastHour: sum(minutes),
        lastDay: sum(hours),
        loading: false,
        error: null,
        updatedAt: Date.now(),
      }));
    } catch (error) {
      this.state.update((s) => ({ ...s, loading: false, error: errorMessage(error) }));
    }
  }
}
