/** The headline figures: request rates from the live counts and rollups, error rate and p95 from recent events. */
import { useMemo } from 'preact/hooks';
import { formatCompact, formatCount, formatDuration, formatRate, formatShare } from '../../shared/format';
import type { ResyncState } from '../data/resync-feed';
import type { LiveState } from '../live/live-model';
import { recentStats } from './recent-stats';

interface Props {
  live: LiveState;
  resync: ResyncState;
}

export function Headline({ live, resync }: Props) {
  const stats = useMemo(() => recentStats(live.latest), [live.latest]);
  const held = live.latest.length;
  return (
    <section class="headline" aria-label="Headline figures">
      <Figure
        label="Requests/s now"
        value={formatRate(live.counts.last_second)}
        title="Requests received in the last second"
      />
      <Figure
        label="Last minute"
        value={formatCompact(live.counts.last_minute)}
        title={`${formatCount(live.counts.last_minute)} requests in the last 60 seconds`}
      />
      <Figure
        label="Last hour"
        value={resync.lastHour === null ? '–' : formatCompact(resync.lastHour)}
        title={resync.lastHour === null ? 'Loading' : `${formatCount(resync.lastHour)} requests in the last 60 minutes`}
      />
      <Figure
        label="Last 24 hours"
        value={resync.lastDay === null ? '–' : formatCompact(resync.lastDay)}
        title={resync.lastDay === null ? 'Loading' : `${formatCount(resync.lastDay)} requests in the last 24 hours`}
      />
      <Figure
        label="Error rate"
        value={stats.errorRate === null ? '–' : formatShare(stats.errorRate)}
        note={stats.withStatus === 0 ? 'no status reported' : `of latest ${formatCount(stats.withStatus)}`}
        title={`Share of responses with status 500 or above, computed in this page from the latest ${formatCount(held)} requests it holds (${formatCount(stats.withStatus)} of them reported a status). Senders that do not send "status" are not counted.`}
        tone={stats.errorRate !== null && stats.errorRate >= 0.05 ? 'bad' : undefined}
      />
      <Figure
        label="p95 duration"
        value={formatDuration(stats.p95)}
        note={stats.withDuration === 0 ? 'no duration reported' : `of latest ${formatCount(stats.withDuration)}`}
        title={`95th percentile of "duration_ms", computed in this page from the latest ${formatCount(held)} requests it holds (${formatCount(stats.withDuration)} of them reported a duration).`}
      />
    </section>
  );
}

interface FigureProps {
  label: string;
  value: string;
  title: string;
  note?: string;
  tone?: 'bad';
}

function Figure({ label, value, title, note, tone }: FigureProps) {
  return (
    <div class="figure card" title={title}>
      <span class="figure-label">{label}</span>
      <span class={tone === 'bad' ? 'figure-value bad' : 'figure-value'}>{value}</span>
      {note && <span class="figure-note muted">{note}</span>}
    </div>
  );
}
