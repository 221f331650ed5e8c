/**
 * The latest requests as a table, newest first. Only the first 50 of the
 * ≤ 500 held are rendered: re-rendering hundreds of rows 4 times a second is what
 * makes a page stutter. Every cell is sender data, so text only.
 */
import { formatClock, formatDuration } from '../../shared/format';
import type { LiveEvent } from '../types';

const SHOWN = 50;

interface Props {
  events: readonly LiveEvent[];
  wsid: number;
}

export function LiveLog({ events, wsid }: Props) {
  const shown = events.slice(0, SHOWN);
  return (
    <section class="card log-card" aria-labelledby="log-title">
      <header class="card-head">
        <h2 id="log-title">Live log</h2>
        <span class="muted small">
          {events.length > SHOWN ? `latest ${SHOWN} of ${events.length} held` : `${events.length} held`}
        </span>
      </header>
      {shown.length === 0 ? (
        <EmptyLog wsid={wsid} />
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to scroll from the keyboard
        <section class="table-scroll" tabIndex={0} aria-label="Latest requests">
          <table class="log">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
                <th scope="col">Place</th>
                <th scope="col">Client</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => (
                <tr key={e.seq}>
                  <td class="mono nowrap" title={new Date(e.ts).toLocaleString()}>
                    {formatClock(e.ts)}
                  </td>
                  <td class="mono clip request" title={e.url ?? ''}>
                    {e.method && <span class="method">{e.method}</span>}
                    {e.url ?? '—'}
                  </td>
                  <td class="nowrap status-cell">
                    <StatusBadge status={e.status} />
                    {e.duration_ms !== null && <span class="muted small"> {formatDuration(e.duration_ms)}</span>}
                  </td>
                  <td class="clip" title={[e.city, e.region, e.country_name].filter(Boolean).join(', ')}>
                    {e.country && <span class="cc">{e.country}</span>}
                    <span class="place-name">{e.city ?? e.country_name ?? (e.country || '—')}</span>
                  </td>
                  <td class="clip" title={e.useragent ?? ''}>
                    {[e.browser, e.os, e.device].filter(Boolean).join(' · ') || '—'}
                    {e.bot && <span class="tag">bot</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}

function StatusBadge({ status }: { status: number | null }) {
  if (status === null) return <span class="muted">—</span>;
  const tone = status >= 500 ? 'bad' : status >= 400 ? 'warn' : 'ok';
  return <span class={`status ${tone}`}>{status}</span>;
}

export function EmptyLog({ wsid }: { wsid: number }) {
  return (
    <div class="empty">
      <p>
        <strong>No requests yet.</strong> Send one from your server to <code>POST /data/collect</code> with service id{' '}
        <code>{wsid}</code> and its secret (shown in <a href="/admin">Admin</a>); <a href="/">How to send data</a> has
        the protocol and a curl example. It appears here within a second.
      </p>
    </div>
  );
}
