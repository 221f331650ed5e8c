/**
 * One service's details: id and secret (for its owner and admins), secret
 * rotation, legacy protocols, sharing, sending its access logs, alerts, removal. A viewer it was shared with
 * sees the id and owner only.
 */
import { useState } from 'preact/hooks';
import { api } from '../shared/api';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { formatDateTime } from '../shared/format';
import { useAction } from '../shared/use-action';
import { AccessLogsSection } from './access-logs-section';
import { AlertsSection } from './alerts/alerts-section';
import { SharesEditor } from './shares-editor';
import type { Me, ServiceInfo } from './types';

interface Props {
  id: string;
  service: ServiceInfo;
  me: Me;
  fresh: boolean;
  onChanged(): Promise<void>;
  onRemoved(): Promise<void>;
  /** an ingest token was made here: the tokens list shows it */
  onTokenCreated(): void;
}

export function ServiceDetails({ id, service: s, me, fresh, onChanged, onRemoved, onTokenCreated }: Props) {
  const manages = me.admin || s.owner_id === me.id;
  const [confirm, setConfirm] = useState<'rotate' | 'remove' | null>(null);
  const action = useAction();

  const rotate = async () => {
    const done = await action.run(() => api.post<ServiceInfo>(`/api/services/${s.id}/rotate-secret`));
    setConfirm(null);
    if (done) await onChanged();
  };
  const remove = async () => {
    const done = await action.run(() => api.delete<unknown>(`/api/services/${s.id}`).then(() => true));
    setConfirm(null);
    if (done) await onRemoved();
  };
  const setLegacy = async (allow: boolean) => {
    const done = await action.run(() => api.patch<ServiceInfo>(`/api/services/${s.id}`, { allow_legacy: allow }));
    if (done) await onChanged();
  };

  return (
    <div id={id} class="details">
      {fresh && s.secret && (
        <p class="notice" role="status">
          Service <strong>{s.name}</strong> created. Configure your sender with the id and secret below.
        </p>
      )}
      <dl class="facts">
        <dt>Service id</dt>
        <dd>
          <code>{s.id}</code>
        </dd>
        <dt>Owner</dt>
        <dd>{s.owner}</dd>
        {s.secret !== undefined && (
          <>
            <dt>Secret</dt>
            <dd class="secret">
              <code data-testid="service-secret">{s.secret}</code>
              <CopyButton text={s.secret} label={`Copy the secret of ${s.name}`} />
            </dd>
          </>
        )}
        {s.previous_secret_valid_until != null && s.previous_secret_valid_until > Date.now() && (
          <>
            <dt>Previous secret</dt>
            <dd>still accepted until {formatDateTime(s.previous_secret_valid_until)}</dd>
          </>
        )}
      </dl>

      {manages && (
        <>
          <label class="inline">
            <input
              type="checkbox"
              checked={s.allow_legacy}
              disabled={action.busy}
              onChange={(e) => setLegacy(e.currentTarget.checked)}
            />
            Accept the legacy protocols (Gen 1 AES, Gen 2 HMAC)
          </label>
          <SharesEditor service={s} onChanged={onChanged} />
          <AccessLogsSection service={s} onTokenCreated={onTokenCreated} />
          <AlertsSection service={s} />
          <div class="details-actions">
            <button type="button" onClick={() => setConfirm('rotate')} disabled={action.busy}>
              Rotate secret
            </button>
            <button type="button" class="danger" onClick={() => setConfirm('remove')} disabled={action.busy}>
              Remove service
            </button>
          </div>
        </>
      )}
      {!manages && <p class="muted small">Shared with you by {s.owner}: you can view its dashboard.</p>}
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}

      {confirm === 'rotate' && (
        <ConfirmDialog
          title={`Rotate the secret of ${s.name}?`}
          confirmLabel="Rotate secret"
          busy={action.busy}
          onConfirm={rotate}
          onCancel={() => setConfirm(null)}
        >
          <p>A new secret is generated. The current one keeps working for a grace period so senders can switch over.</p>
        </ConfirmDialog>
      )}
      {confirm === 'remove' && (
        <ConfirmDialog
          title={`Remove ${s.name}?`}
          confirmLabel="Remove service"
          busy={action.busy}
          onConfirm={remove}
          onCancel={() => setConfirm(null)}
        >
          <p>
            The service, its secret and all its collected requests are deleted. Senders using it will be refused. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="small-button"
      aria-label={label}
      onClick={() =>
        navigator.clipboard?.writeText(text).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          },
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
