/**
 * Rankings, breakdowns and the hour/day totals are not pushed: they are
 * re-read from the query API, but only because pushed frames said something
 * changed, and at most every 600 ms: a frame (≤ 250 ms) plus the wait keeps
 * rankings within a second of an event, and one viewer at 2,000 events/s
 * costs the server ~13 small index reads a second, not one per event.
 */
import { api, errorMessage } from '../../shared/api';
import { createStore } from '../../shared/store';
import type { CityRow, CountryRow, RankWindow, SeriesBucket } from '../types';

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
  private inFlight = false;
  private again = false;
  private lastStart = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly wsid: number) {}

  setWindow(window: RankWindow): void {
    this.state.update((s) => ({ ...s, window, loading: true }));
    this.refreshNow();
  }

  /** something changed: refresh soon, but not more often than every MIN_INTERVAL_MS */
  poke(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastStart + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refreshNow();
    }, wait);
  }

  refreshNow(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    this.lastStart = Date.now();
    void this.load().finally(() => {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.refreshNow();
      }
    });
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
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
