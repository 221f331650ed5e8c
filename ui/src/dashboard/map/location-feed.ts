/**
 * Reads the locations endpoint for the box on screen: after the view stops
 * moving (debounced, so a drag is one query, not sixty) and, while data
 * arrives, at most every 5 s.
 */
import { api } from '../../shared/api';
import type { LocationPoint, RankWindow } from '../types';
import type { GeoBox } from './map-view';

const DEBOUNCE_MS = 300;
const REFRESH_MS = 5_000;
/** the page draws the latest 500 requests; zoomed in, the box may hold up to the endpoint's 5,000 */
const LIMIT = 500;

export class LocationFeed {
  private box: GeoBox | null = null;
  private window: RankWindow = '24h';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastLoad = 0;
  private controller: AbortController | null = null;

  constructor(
    private readonly wsid: number,
    private readonly onPoints: (points: LocationPoint[]) => void,
  ) {}

  /** the view or window changed: load soon */
  setQuery(box: GeoBox, window: RankWindow): void {
    this.box = box;
    this.window = window;
    this.schedule(DEBOUNCE_MS);
  }

  /** new events arrived: load again, but not often */
  poke(): void {
    if (this.timer === null) this.schedule(Math.max(DEBOUNCE_MS, this.lastLoad + REFRESH_MS - Date.now()));
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.controller?.abort();
  }

  private schedule(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load();
    }, ms);
  }

  private async load(): Promise<void> {
    if (this.box === null) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.lastLoad = Date.now();
    const { neLat, neLng, swLat, swLng } = this.box;
    try {
      const points = await api.get<LocationPoint[]>(
        `/${this.wsid}/data/users/locations/${neLat}/${neLng}/${swLat}/${swLng}?window=${this.window}&limit=${LIMIT}`,
        controller.signal,
      );
      this.onPoints(points);
    } catch {
      // keep the previous points; the next view change or refresh tries again
    }
  }
}
