/**
 * A service's alert rules as a table: the condition in words, the state
 * (firing, muted), the last reading; per rule edit, mute for 1 h / 24 h /
 * until unmuted (or unmute), and removal after a confirmation.
 */
import { useState } from 'preact/hooks';
import type { AlertRule } from '../../shared/alert-types';
import { describeCondition, formatRuleValue, MUTED_UNTIL_UNMUTED, mutedText } from '../../shared/alert-wording';
import { alertsApi } from '../../shared/alerts-api';
import { ConfirmDialog } from '../../shared/confirm-dialog';
import { formatDateTime } from '../../shared/format';
import { useAction } from '../../shared/use-action';
import { RuleForm } from './rule-form';

const HOUR = 3_600_000;
const MUTES: { value: string; label: string; until: (now: number) => number }[] = [
  { value: '1h', label: 'for 1 hour', until: (now) => now + HOUR },
  { value: '24h', label: 'for 24 hours', until: (now) => now + 24 * HOUR },
  { value: 'unmuted', label: 'until unmuted', until: () => MUTED_UNTIL_UNMUTED },
];

interface Props {
  serviceId: number;
  rules: AlertRule[];
  onChanged(): Promise<void>;
}

export function RulesList({ serviceId, rules, onChanged }: Props) {
  const [editing, setEditing] = useState<number | null>(null);
  const [removing, setRemoving] = useState<AlertRule | null>(null);
  const action = useAction();
  const now = Date.now();

  const mute = async (rule: AlertRule, choice: string) => {
    const mute = MUTES.find((m) => m.value === choice);
    const until = mute === undefined ? null : mute.until(Date.now());
    if (await action.run(() => alertsApi.muteRule(serviceId, rule.id, until))) await onChanged();
  };
  const remove = async () => {
    if (removing === null) return;
    const done = await action.run(() => alertsApi.removeRule(serviceId, removing.id).then(() => true));
    setRemoving(null);
    if (done) await onChanged();
  };

  if (rules.length === 0) return <p class="muted small">No rules yet: add one below.</p>;
  return (
    <>
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
      <div class="table-scroll">
        <table class="stacked-table" aria-label="Alert rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Fires on</th>
              <th scope="col">State</th>
              <th scope="col">Last reading</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => {
              const muted = mutedText(r, now, formatDateTime);
              return editing === r.id ? (
                <tr key={r.id}>
                  <td colSpan={5}>
                    <RuleForm
                      serviceId={serviceId}
                      rule={r}
                      onSaved={async () => {
                        setEditing(null);
                        await onChanged();
                      }}
                      onCancel={() => setEditing(null)}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td data-label="fires on">{describeCondition(r)}</td>
                  <td data-label="state">
                    <span class={`tag rule-${r.state}`}>{r.state}</span>
                    {r.state_changed_at !== null && (
                      <span class="muted small"> since {formatDateTime(r.state_changed_at)}</span>
                    )}
                    {muted && <span class="muted small"> · {muted}</span>}
                  </td>
                  <td class="nowrap" data-label="last reading">
                    {formatRuleValue(r.kind, r.last_value)}
                  </td>
                  <td class="row-actions">
                    <button type="button" aria-label={`Edit rule ${r.name}`} onClick={() => setEditing(r.id)}>
                      Edit
                    </button>
                    {muted ? (
                      <button
                        type="button"
                        aria-label={`Unmute rule ${r.name}`}
                        disabled={action.busy}
                        onClick={() => mute(r, '')}
                      >
                        Unmute
                      </button>
                    ) : (
                      <select
                        aria-label={`Mute rule ${r.name}`}
                        value=""
                        disabled={action.busy}
                        onChange={(e) => mute(r, e.currentTarget.value)}
                      >
                        <option value="">Mute…</option>
                        {MUTES.map((m) => (
                          <option key={m.value} value={m.value}>
                            {m.label}
                          </option>
                        ))}
                      </select>
                    )}
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Remove rule ${r.name}`}
                      onClick={() => setRemoving(r)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {removing && (
        <ConfirmDialog
          title={`Remove the rule ${removing.name}?`}
          confirmLabel="Remove rule"
          busy={action.busy}
          onConfirm={remove}
          onCancel={() => setRemoving(null)}
        >
          <p>It stops being checked and its past changes leave the dashboard's panel and chart.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
