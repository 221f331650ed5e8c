/**
 * API tokens (Authorization: Bearer …): create one with a scope, an optional
 * service and lifetime (shown once); list them with when they were last
 * used; revoke one. Admins see everyone's.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, errorMessage } from '../shared/api';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { formatDateTime } from '../shared/format';
import { useAction } from '../shared/use-action';
import { CopyButton } from './service-details';
import type { Me, ServiceInfo, TokenInfo, TokenScope } from './types';

const SCOPES: { value: TokenScope; label: string }[] = [
  { value: 'read', label: 'read: the query API and live streams' },
  { value: 'ingest', label: 'ingest: only sending events to one service' },
  { value: 'admin', label: 'admin: everything you can do here' },
];
const LIFETIMES = ['never', '7d', '30d', '90d', '1y'];

interface Props {
  me: Me;
  services: ServiceInfo[] | null;
  /** how many tokens other sections have made: each one reloads the list */
  tokensMade: number;
}

export function TokensSection({ me, services, tokensMade }: Props) {
  const [tokens, setTokens] = useState<TokenInfo[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);
  const action = useAction();

  const load = useCallback(async () => {
    try {
      setTokens(await api.get<TokenInfo[]>('/api/tokens'));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, []);
  // tokensMade is no input of load: it is the reason to load again
  useEffect(() => void load(), [load, tokensMade]);

  const revoke = async () => {
    if (!revoking) return;
    const done = await action.run(() => api.delete(`/api/tokens/${revoking.id}`));
    setRevoking(null);
    if (done) await load();
  };

  return (
    <section class="card" aria-labelledby="tokens-title">
      <header class="card-head">
        <h2 id="tokens-title">API tokens</h2>
      </header>
      <p class="muted small">
        For scripts and log shippers: send <code>Authorization: Bearer &lt;token&gt;</code>. A token does what its scope
        allows, as you, until it expires or is revoked.
      </p>
      <CreateToken services={services ?? []} me={me} onCreated={load} />
      {(loadError ?? action.error) && (
        <p class="notice error" role="alert">
          {loadError ?? action.error}
        </p>
      )}
      {tokens === null ? (
        <p class="muted">Loading…</p>
      ) : tokens.length === 0 ? (
        <p class="muted">No tokens yet.</p>
      ) : (
        <div class="table-scroll">
          <table class="stacked-table" aria-label="API tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                {me.admin && <th scope="col">User</th>}
                <th scope="col">Scope</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  {me.admin && <td data-label="user">{t.user}</td>}
                  <td data-label="scope">
                    {t.scope}
                    {t.service_id !== null && <span class="muted"> · service {t.service_id}</span>}
                  </td>
                  <td class="nowrap muted" data-label="created">
                    {formatDateTime(t.created_at)}
                  </td>
                  <td class="nowrap muted" data-label="last used">
                    {t.last_used_at === null ? 'never' : formatDateTime(t.last_used_at)}
                  </td>
                  <td class="nowrap muted" data-label="expires">
                    {t.expires_at === null ? 'never' : formatDateTime(t.expires_at)}
                  </td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="danger"
                      aria-label={`Revoke token ${t.name}`}
                      onClick={() => setRevoking(t)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke token ${revoking.name}?`}
          confirmLabel="Revoke token"
          busy={action.busy}
          onConfirm={revoke}
          onCancel={() => setRevoking(null)}
        >
          <p>Whatever uses it is refused from now on, and its open live streams close within seconds.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function CreateToken({ services, me, onCreated }: { services: ServiceInfo[]; me: Me; onCreated(): Promise<void> }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [serviceId, setServiceId] = useState('');
  const [expires, setExpires] = useState('never');
  const [token, setToken] = useState<{ name: string; token: string } | null>(null);
  const action = useAction();
  // an ingest token sends as the service's secret would: only services the user manages
  const choices = scope === 'ingest' ? services.filter((s) => me.admin || s.owner_id === me.id) : services;
  const needsService = scope === 'ingest';

  const submit = async (e: Event) => {
    e.preventDefault();
    const created = await action.run(() =>
      api.post<{ token: string }>('/api/tokens', {
        name,
        scope,
        service_id: scope === 'admin' || serviceId === '' ? null : Number(serviceId),
        expires_in: expires,
      }),
    );
    if (created) {
      setToken({ name, token: created.token });
      setName('');
      await onCreated();
    }
  };

  return (
    <>
      <form class="inline-form" onSubmit={submit} aria-label="Create an API token">
        <label>
          Name
          <input
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            placeholder="e.g. grafana"
            autocomplete="off"
            required
          />
        </label>
        <label>
          Scope
          <select value={scope} onChange={(e) => setScope(e.currentTarget.value as TokenScope)}>
            {SCOPES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {scope !== 'admin' && (
          <label>
            Service
            <select value={serviceId} onChange={(e) => setServiceId(e.currentTarget.value)} required={needsService}>
              <option value="">{needsService ? 'choose one' : 'every service I see'}</option>
              {choices.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name} ({s.id})
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Expires
          <select value={expires} onChange={(e) => setExpires(e.currentTarget.value)}>
            {LIFETIMES.map((l) => (
              <option key={l} value={l}>
                {l === 'never' ? 'never' : `in ${l}`}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={action.busy || name.trim() === ''}>
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
            Token <strong>{token.name}</strong> created. Copy it now: it is not shown again.
          </p>
          <p class="secret">
            <code data-testid="new-token">{token.token}</code>
            <CopyButton text={token.token} label="Copy the new token" />
          </p>
        </div>
      )}
    </>
  );
}
