/**
 * The dashboard page: wires the live model (push), the re-sync feeds
 * (rankings, chart) and the panels. Feeds and the model live for the page's
 * lifetime; panels re-render only when their store changes (≤ 4 a second).
 */
import { useEffect, useMemo } from 'preact/hooks';
import { Footer } from '../shared/footer';
import { useStore } from '../shared/store';
import { AlertsFeed } from './alerts/alerts-feed';
import { AlertsPanel } from './alerts/alerts-panel';
import { ChartFeed } from './chart/chart-feed';
import { RequestsChart, Segmented } from './chart/requests-chart';
import { ResyncFeed } from './data/resync-feed';
import { Header } from './header';
import { LiveModel } from './live/live-model';
import { WorldMap } from './map/world-map';
import { Headline } from './panels/headline';
import { LiveLog } from './panels/live-log';
import { Rankings } from './panels/rankings';
import { RANK_WINDOWS, type RankWindow } from './types';

interface Props {
  wsid: number;
  serviceName: string;
  user: string;
}

export function Dashboard({ wsid, serviceName, user }: Props) {
  const { model, resync, chart, alerts } = useMemo(
    () => ({
      model: new LiveModel(wsid),
      resync: new ResyncFeed(wsid),
      chart: new ChartFeed(wsid),
      alerts: new AlertsFeed(wsid),
    }),
    [wsid],
  );

  useEffect(() => {
    const offResync = model.onResync(() => {
      resync.refreshNow();
      chart.resync();
    });
    const offBatch = model.onBatch((batch) => {
      chart.applyBatch(batch);
      if (batch.arrived > 0) resync.poke();
    });
    model.start();
    alerts.start();
    return () => {
      offResync();
      offBatch();
      model.dispose();
      resync.dispose();
      alerts.dispose();
    };
  }, [model, resync, chart, alerts]);

  const live = useStore(model.state);
  const ranked = useStore(resync.state);

  return (
    <>
      <Header wsid={wsid} serviceName={serviceName} user={user} connection={live.connection} />
      <main class="dashboard">
        <Headline live={live} resync={ranked} />
        <AlertsPanel feed={alerts} />
        <div class="toolbar window-bar">
          <span class="muted small" id="window-label">
            Rankings and map for the last
          </span>
          <Segmented
            label="Time window for rankings and map"
            options={RANK_WINDOWS.map((w) => ({ value: w, label: w }))}
            value={ranked.window}
            onChange={(w) => resync.setWindow(w as RankWindow)}
          />
          {ranked.error && (
            <span class="error-text" role="alert">
              {ranked.error}
            </span>
          )}
        </div>
        <div class="grid-main">
          <WorldMap model={model} wsid={wsid} window={ranked.window} />
          <RequestsChart feed={chart} alerts={alerts} />
        </div>
        <div class="grid-rankings">
          <Rankings state={ranked} />
        </div>
        <LiveLog events={live.latest} wsid={wsid} />
      </main>
      <Footer />
    </>
  );
}
