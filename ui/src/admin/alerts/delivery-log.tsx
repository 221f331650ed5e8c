/**
 * A channel's delivery log: each notification sent to it (newest first) with
 * its status, attempts, when, the answer's first bytes and the error; each
 * attempt on hover. Read again while a delivery is still pending, so a test
 * sent a moment ago shows its outcome without a reload.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AlertChannel, AlertDelivery } from '../../shared/alert-types';
import { alertsApi } from '../../shared/alerts-api';
import { errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/format';

/** while something is pending: the worker sends within a second, retries take longer */
const PENDING_POLL_MS = 1_000;
/** the answer's first characters a cell shows; the whole 512 bytes are in its tooltip */
const ANSWER_SHOWN = 80;

interface Props {
  serviceId: number;
  channel: AlertChannel;
  /** bumped when a test was sent: the log reads again */
  sent: number;
}

export function DeliveryLog({ serviceId, channel, sent }: Props) {
  const [deliveries, setDeliveries] = useState<AlertDelivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const read = await alertsApi.deliveries(serviceId, channel.id);
      setDeliveries(read);
      setError(null);
      return read;
    } catch (e) {
      setError(errorMessage(e));
      return null;
    }
  }, [serviceId, channel.id]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    // `sent` is no input of the poll: a new test is the reason to read again
    void sent;
    const poll = async () => {
      const read = await load();
      if (!stopped && read?.some((d) => d.status === 'pending')) timer = setTimeout(poll, PENDING_POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    };
  }, [load, sent]);

  return (
    <div class="delivery-log">
      <div class="card-head">
        <h4>Delivery log of {channel.name}</h4>
        <button type="button" class="small-button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {error && (
        <p class="error-text" role="alert">
          {error}
        </p>
      )}
      {deliveries === null ? (
        !error && <p class="muted small">Loading…</p>
      ) : deliveries.length === 0 ? (
        <p class="muted small">Nothing sent yet: "Send a test" tries the channel.</p>
      ) : (
        <div class="table-scroll">
          <table class="stacked-table" aria-label={`Delivery log of ${channel.name}`}>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last try</th>
                <th scope="col">Answer</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id} title={attemptsText(d)}>
                  <td class="nowrap muted" data-label="created">
                    {formatDateTime(d.created_at)}
                  </td>
                  <td data-label="type">{d.type.replace('alert.', '')}</td>
                  <td data-label="status">
                    <span class={`tag delivery-${d.status}`}>{d.status.replace('_', ' ')}</span>
                    {d.status === 'pending' && d.attempts > 0 && (
                      <span class="muted small"> next try {formatDateTime(d.next_attempt_at)}</span>
                    )}
                  </td>
                  <td data-label="attempts">{d.attempts}</td>
                  <td class="nowrap" data-label="last try">
                    {d.last_attempt_at === null ? '–' : formatDateTime(d.last_attempt_at)}
                    {d.last_status !== null && <span class="muted"> · {d.last_status}</span>}
                  </td>
                  <td class="mono small clip" data-label="answer" title={d.last_answer ?? undefined}>
                    {d.last_answer === null ? '' : d.last_answer.slice(0, ANSWER_SHOWN)}
                  </td>
                  <td class="small" data-label="error">
                    {d.last_error ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** every attempt on its own line, for the row's tooltip */
function attemptsText(d: AlertDelivery): string {
  return d.attempt_log
    .map(
      (a) =>
        `#${a.attempt} ${formatDateTime(a.at)} · ${a.duration_ms} ms · ${a.status ?? 'no answer'}${a.error ? ` · ${a.error}` : ''}`,
    )
    .join('\n');
}
