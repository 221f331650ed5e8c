/**
 * A service's alert rules and latest transitions for the dashboard: read
 * once at load and every 10 s after (rules change state at the evaluation
 * interval, 10 s by default). The panel and the chart's markers follow it.
 */
import type { AlertRule, AlertTransition } from '../../shared/alert-types';
import { alertsApi } from '../../shared/alerts-api';
import { errorMessage } from '../../shared/api';
import { createStore } from '../../shared/store';

const POLL_MS = 10_000;
/** transitions the panel and the chart know of: enough for a day of a busy rule's markers */
const TRANSITIONS = 100;

export interface AlertsState {
  /** null until the first answer */
  rules: AlertRule[] | null;
  transitions: AlertTransition[];
  error: string | null;
}

export class AlertsFeed {
  readonly state = createStore<AlertsState>({ rules: null, transitions: [], error: null });
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly wsid: number) {}

  start(): void {
    void this.poll();
  }

  dispose(): void {
    this.abort.abort();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    const signal = this.abort.signal;
    try {
      const [rules, transitions] = await Promise.all([
        alertsApi.rules(this.wsid, signal),
        alertsApi.transitions(this.wsid, TRANSITIONS, signal),
      ]);
      this.state.set({ rules, transitions, error: null });
    } catch (error) {
      if (signal.aborted) return;
      this.state.update((s) => ({ ...s, error: errorMessage(error) }));
    }
    if (!signal.aborted) this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }
}
