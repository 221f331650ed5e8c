/**
 * The form that adds a channel: a webhook (signed, Standard Webhooks), a
 * Slack or Discord incoming webhook, or e-mail addresses. A webhook's
 * signing secret is in the server's answer this once: it is shown in a
 * copyable box until the form is used again.
 */
import { useState } from 'preact/hooks';
import type { AlertChannel, ChannelKind } from '../../shared/alert-types';
import { alertsApi } from '../../shared/alerts-api';
import { useAction } from '../../shared/use-action';
import { CopyButton } from '../service-details';
import { ChannelNameField, ChannelTargetField } from './channel-fields';
import { CHANNEL_KINDS } from './channel-kinds';

interface Props {
  serviceId: number;
  onCreated(channel: AlertChannel): Promise<void>;
}

export function ChannelForm({ serviceId, onCreated }: Props) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ChannelKind>('webhook');
  const [target, setTarget] = useState('');
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const action = useAction();
  const wording = CHANNEL_KINDS.find((k) => k.value === kind)!;

  const submit = async (e: Event) => {
    e.preventDefault();
    setSecret(null);
    const created = await action.run(() =>
      alertsApi.createChannel(serviceId, { name: name.trim(), kind, target: target.trim() }),
    );
    if (created) {
      if (created.secret !== null) setSecret({ name: created.channel.name, secret: created.secret });
      setName('');
      setTarget('');
      await onCreated(created.channel);
    }
  };

  return (
    <>
      <form class="inline-form" onSubmit={submit} aria-label="Add an alert channel">
        <ChannelNameField value={name} onInput={setName} />
        <label>
          Sends to
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as ChannelKind)}>
            {CHANNEL_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <ChannelTargetField wording={wording} value={target} onInput={setTarget} />
        <button type="submit" class="primary" disabled={action.busy || name.trim() === '' || target.trim() === ''}>
          {action.busy ? 'Adding…' : 'Add channel'}
        </button>
        <span class="muted small">{wording.help}</span>
      </form>
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
      {secret && (
        <div class="notice" role="status">
          <p>
            Channel <strong>{secret.name}</strong> added. Its signing secret, for your receiver to verify each webhook:
            copy it now, it is not shown again.
          </p>
          <p class="secret">
            <code data-testid="channel-secret">{secret.secret}</code>
            <CopyButton text={secret.secret} label="Copy the channel's signing secret" />
          </p>
        </div>
      )}
    </>
  );
}
