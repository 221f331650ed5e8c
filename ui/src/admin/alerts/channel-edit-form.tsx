/**
 * The form that edits a channel in its row: its name and where it sends.
 * The kind is fixed (another kind is another channel), and a webhook keeps
 * its signing secret, so its receiver goes on verifying as before.
 */
import { useState } from 'preact/hooks';
import type { AlertChannel } from '../../shared/alert-types';
import { alertsApi } from '../../shared/alerts-api';
import { useAction } from '../../shared/use-action';
import { ChannelNameField, ChannelTargetField } from './channel-fields';
import { CHANNEL_KINDS } from './channel-kinds';

interface Props {
  serviceId: number;
  channel: AlertChannel;
  onSaved(channel: AlertChannel): void;
  onCancel(): void;
}

export function ChannelEditForm({ serviceId, channel, onSaved, onCancel }: Props) {
  const [name, setName] = useState(channel.name);
  const [target, setTarget] = useState(channel.target);
  const action = useAction();
  const wording = CHANNEL_KINDS.find((k) => k.value === channel.kind)!;
  const help =
    channel.kind === 'webhook'
      ? 'Its signing secret stays the same: an edit does not change it, so your receiver keeps verifying with it.'
      : wording.help;

  const submit = async (e: Event) => {
    e.preventDefault();
    const saved = await action.run(() =>
      alertsApi.updateChannel(serviceId, channel.id, { name: name.trim(), target: target.trim() }),
    );
    if (saved) onSaved(saved);
  };

  return (
    <form class="inline-form" onSubmit={submit} aria-label={`Edit alert channel ${channel.name}`}>
      <ChannelNameField value={name} onInput={setName} />
      <span class="muted small">{wording.label} channel</span>
      <ChannelTargetField wording={wording} value={target} onInput={setTarget} />
      <button type="submit" class="primary" disabled={action.busy || name.trim() === '' || target.trim() === ''}>
        {action.busy ? 'Saving…' : 'Save channel'}
      </button>
      <button type="button" onClick={onCancel} disabled={action.busy}>
        Cancel
      </button>
      <span class="muted small">{help}</span>
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
    </form>
  );
}
