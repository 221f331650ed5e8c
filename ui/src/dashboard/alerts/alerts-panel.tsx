/**
 * The dashboard's alerts panel: the rules firing now (since when, the last
 * reading) and the latest transitions. A service without rules gets one line
 * pointing to the admin page instead.
 */
import type { AlertRule, AlertTransition } from '../../shared/alert-types';
import { formatRuleValue, isMuted } from '../../shared/alert-wording';
import { formatAge, formatDateTime } from '../../shared/format';
import { useStore } from '../../shared/store';
import type { AlertsFeed } from './alerts-feed';

/** transitions the panel lists; the chart marks more */
const LISTED = 8;

export function AlertsPanel({ feed }: { feed: AlertsFeed }) {
  const { rules, transitions, error } = useStore(feed.state);
  if (rules === null) {
    return error === null ? null : (
      <p class="error-text alerts-line" role="alert">
        Alerts: {error}
      </p>
    );
  }
  if (rules.length === 0) {
    return (
      <p class="muted small alerts-line">
        No alert rules — <a href="/admin">set them up in the admin page</a>.
      </p>
    );
  }
  const now = Date.now();
  const firing = rules.filter((r) => r.state === 'firing');
  const kinds = new Map(rules.map((r) => [r.id, r.kind]));
  return (
    <section class="card alerts-card" aria-labelledby="alerts-title">
      <header class="card-head wrap">
        <h2 id="alerts-title">Alerts</h2>
        <span class="muted small">
          {firing.length === 0 ? `all ${rules.length} rules ok` : `${firing.length} of ${rules.length} rules firing`}
        </span>
        {error && (
          <span class="error-text" role="alert">
            {error}
          </span>
        )}
      </header>
      <div class="alerts-body">
        <div>
          <h3>Firing now</h3>
          {firing.length === 0 ? (
            <p class="muted small">Nothing is firing.</p>
          ) : (
            <ul class="alert-list" aria-label="Rules firing now">
              {firing.map((r) => (
                <FiringRule key={r.id} rule={r} now={now} />
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Latest changes</h3>
          {transitions.length === 0 ? (
            <p class="muted small">No rule has fired yet.</p>
          ) : (
            <ul class="alert-list" aria-label="Latest alert changes">
              {transitions.slice(0, LISTED).map((t) => (
                <TransitionRow key={t.id} transition={t} kind={kinds.get(t.rule_id)} now={now} />
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}

function FiringRule({ rule, now }: { rule: AlertRule; now: number }) {
  const since = rule.state_changed_at;
  return (
    <li class="alert-item">
      <span class="tag alert-firing">firing</span>
      <strong>{rule.name}</strong>
      <span class="muted small" title={since === null ? undefined : formatDateTime(since)}>
        {since === null ? '' : `since ${formatAge(now - since)}`}
      </span>
      <span class="small">now {formatRuleValue(rule.kind, rule.last_value)}</span>
      {isMuted(rule, now) && <span class="tag">muted</span>}
    </li>
  );
}

function TransitionRow({
  transition: t,
  kind,
  now,
}: {
  transition: AlertTransition;
  kind: AlertRule['kind'] | undefined;
  now: number;
}) {
  return (
    <li class="alert-item" title={kind && t.value !== null ? formatRuleValue(kind, t.value) : undefined}>
      <span class={`tag alert-${t.kind}`}>{t.kind}</span>
      <span class="muted small nowrap" title={formatDateTime(t.at)}>
        {formatAge(now - t.at)}
      </span>
      <span class="small alert-message">{t.message}</span>
    </li>
  );
}
