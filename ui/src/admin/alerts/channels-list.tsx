/**
 * A service's alert channels as a table: where each sends, a "Send a test"
 * button, its delivery log (opened below the table), an edit in its row,
 * and removal after a confirmation.
 */
import { useState } from 'preact/hooks';
import type { AlertChannel } from '../../shared/alert-types';
import { alertsApi } from '../../shared/alerts-api';
import { ConfirmDialog } from '../../shared/confirm-dialog';
import { useAction } from '../../shared/use-action';
import { ChannelEditForm } from './channel-edit-form';
import { DeliveryLog } from './delivery-log';

const KIND_LABEL: Record<AlertChannel['kind'], string> = {
  webhook: 'webhook',
  slack: 'Slack',
  discord: 'Discord',
  email: 'e-mail',
};

interface Props {
  serviceId: number;
  channels: AlertChannel[];
  onChanged(): Promise<void>;
}

export function ChannelsList({ serviceId, channels, onChanged }: Props) {
  const [logOf, setLogOf] = useState<number | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  // each test sent bumps it, so the open log reads again
  const [sent, setSent] = useState(0);
  const [testNote, setTestNote] = useState<string | null>(null);
  const [removing, setRemoving] = useState<AlertChannel | null>(null);
  const action = useAction();

  const sendTest = async (channel: AlertChannel) => {
    setTestNote(null);
    const delivery = await action.run(() => alertsApi.sendTest(serviceId, channel.id));
    if (delivery) {
      setTestNote(`A test notification to ${channel.name} is on its way: its outcome shows in the log below.`);
      setLogOf(channel.id);
      setSent((n) => n + 1);
    }
  };
  const remove = async () => {
    if (removing === null) return;
    const done = await action.run(() => alertsApi.removeChannel(serviceId, removing.id).then(() => true));
    if (done && logOf === removing.id) setLogOf(null);
    setRemoving(null);
    if (done) await onChanged();
  };

  if (channels.length === 0) {
    return (
      <p class="muted small">No channels yet: rules fire on the dashboard, but notify no one until you add one.</p>
    );
  }
  const shown = channels.find((c) => c.id === logOf);
  return (
    <>
      <div class="table-scroll">
        <table class="stacked-table" aria-label="Alert channels">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Kind</th>
              <th scope="col">Sends to</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {channels.map((c) =>
              editing === c.id ? (
                <tr key={c.id}>
                  <td colSpan={4}>
                    <ChannelEditForm
                      serviceId={serviceId}
                      channel={c}
                      onSaved={async () => {
                        setEditing(null);
                        await onChanged();
                      }}
                      onCancel={() => setEditing(null)}
                    />
                  </td>
                </tr>
              ) : (
                <tr key={c.id}>
                  <td>{c.name}</td>
                  <td data-label="kind">{KIND_LABEL[c.kind]}</td>
                  <td class="mono small clip" data-label="sends to" title={c.target}>
                    {c.target}
                  </td>
                  <td class="row-actions">
                    <button type="button" aria-label={`Edit channel ${c.name}`} onClick={() => setEditing(c.id)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      aria-label={`Send a test to ${c.name}`}
                      disabled={action.busy}
                      onClick={() => sendTest(c)}
                    >
                      Send a test
                    </button>
                    <button
                      type="button"
                      aria-label={`Delivery log of ${c.name}`}
                      aria-expanded={logOf === c.id}
                      onClick={() => setLogOf(logOf === c.id ? null : c.id)}
                    >
                      Log
                    </button>
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Remove channel ${c.name}`}
                      onClick={() => setRemoving(c)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      {testNote && (
        <p class="muted small" role="status">
          {testNote}
        </p>
      )}
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
      {shown && <DeliveryLog serviceId={serviceId} channel={shown} sent={sent} />}
      {removing && (
        <ConfirmDialog
          title={`Remove the channel ${removing.name}?`}
          confirmLabel="Remove channel"
          busy={action.busy}
          onConfirm={remove}
          onCancel={() => setRemoving(null)}
        >
          <p>Alerts are no longer sent to it, and its delivery log is deleted.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
