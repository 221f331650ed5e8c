/** API tokens for scripts (Authorization: Bearer …): create one, shown once. */
import { useState } from 'preact/hooks';
import { api } from '../shared/api';
import { useAction } from '../shared/use-action';
import { CopyButton } from './service-details';

export function TokensSection() {
  const [label, setLabel] = useState('');
  const [token, setToken] = useState<{ label: string; token: string } | null>(null);
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    const created = await action.run(() => api.post<{ token: string }>('/api/tokens', { label }));
    if (created) {
      setToken({ label, token: created.token });
      setLabel('');
    }
  };

  return (
    <section class="card" aria-labelledby="tokens-title">
      <header class="card-head">
        <h2 id="tokens-title">API tokens</h2>
      </header>
      <p class="muted small">
        For scripts that read the query API: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as you.
      </p>
      <form class="inline-form" onSubmit={submit} aria-label="Create an API token">
        <label>
          Label
          <input
            value={label}
            onInput={(e) => setLabel(e.currentTarget.value)}
            placeholder="e.g. grafana"
            autocomplete="off"
            required
          />
        </label>
        <button type="submit" class="primary" disabled={action.busy || label.trim() === ''}>
          {action.busy ? 'Creating…' : 'Create token'}
        </button>
      </form>
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
      {token && (
        <div class="notice" role="status">
          <p>
            Token <strong>{token.label}</strong> created. Copy it now: it is not shown again.
          </p>
          <p class="secret">
            <code data-testid="new-token">{token.token}</code>
            <CopyButton text={token.token} label="Copy the new token" />
          </p>
        </div>
      )}
    </section>
  );
}
