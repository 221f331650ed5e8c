/** Admins only: every user, with create, admin flag, password reset and removal. */
import { useState } from 'preact/hooks';
import { api } from '../shared/api';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { formatDateTime } from '../shared/format';
import { useAction } from '../shared/use-action';
import type { Me, UserInfo } from './types';

interface Props {
  me: Me;
  users: UserInfo[] | null;
  loadError: string | null;
  reload(): Promise<void>;
  /** removing a user removes their services too */
  onUserRemoved(): Promise<void>;
}

export function UsersSection({ me, users, loadError, reload, onUserRemoved }: Props) {
  const [removing, setRemoving] = useState<UserInfo | null>(null);
  const [resetting, setResetting] = useState<number | null>(null);
  const action = useAction();

  const remove = async () => {
    if (removing === null) return;
    const done = await action.run(() => api.delete<unknown>(`/api/users/${removing.id}`).then(() => true));
    setRemoving(null);
    if (done) {
      await reload();
      await onUserRemoved();
    }
  };
  const setAdmin = async (user: UserInfo, admin: boolean) => {
    const done = await action.run(() => api.patch<unknown>(`/api/users/${user.id}`, { admin }).then(() => true));
    if (done) await reload();
  };

  return (
    <section class="card" aria-labelledby="users-title">
      <header class="card-head">
        <h2 id="users-title">Users</h2>
      </header>
      <CreateUser onCreated={reload} />
      {(loadError ?? action.error) && (
        <p class="notice error" role="alert">
          {loadError ?? action.error}
        </p>
      )}
      {users === null ? (
        <p class="muted">Loading…</p>
      ) : (
        <div class="table-scroll">
          <table class="stacked-table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Admin</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>
                    {u.name}
                    {u.id === me.id && <span class="tag">you</span>}
                  </td>
                  <td data-label="admin">
                    <input
                      type="checkbox"
                      checked={u.admin}
                      disabled={action.busy || u.id === me.id}
                      aria-label={`${u.name} is an admin`}
                      title={u.id === me.id ? 'You cannot remove your own admin rights' : undefined}
                      onChange={(e) => setAdmin(u, e.currentTarget.checked)}
                    />
                  </td>
                  <td class="nowrap muted" data-label="created">
                    {formatDateTime(u.created_at)}
                  </td>
                  <td class="row-actions">
                    {resetting === u.id ? (
                      <ResetPassword user={u} onDone={() => setResetting(null)} />
                    ) : (
                      <button
                        type="button"
                        onClick={() => setResetting(u.id)}
                        aria-label={`Reset the password of ${u.name}`}
                      >
                        Reset password
                      </button>
                    )}
                    <button
                      type="button"
                      class="danger"
                      disabled={u.id === me.id}
                      aria-label={`Remove user ${u.name}`}
                      onClick={() => setRemoving(u)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove user ${removing.name}?`}
          confirmLabel="Remove user"
          busy={action.busy}
          onConfirm={remove}
          onCancel={() => setRemoving(null)}
        >
          <p>Their sessions, API tokens and shares end, and the services they own are removed with their data.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function CreateUser({ onCreated }: { onCreated(): Promise<void> }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    const done = await action.run(() => api.post<unknown>('/api/users', { name, password, admin }).then(() => true));
    if (done) {
      setName('');
      setPassword('');
      setAdmin(false);
      await onCreated();
    }
  };

  return (
    <form class="inline-form" onSubmit={submit} aria-label="Create a user">
      <label>
        User name
        <input value={name} onInput={(e) => setName(e.currentTarget.value.trim())} autocomplete="off" required />
      </label>
      <label>
        Password
        <input
          type="password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          autocomplete="new-password"
          required
        />
      </label>
      <label class="inline">
        <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.currentTarget.checked)} />
        Admin
      </label>
      <button type="submit" class="primary" disabled={action.busy || name === '' || password === ''}>
        {action.busy ? 'Creating…' : 'Create user'}
      </button>
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
    </form>
  );
}

function ResetPassword({ user, onDone }: { user: UserInfo; onDone(): void }) {
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const done = await action.run(() => api.patch<unknown>(`/api/users/${user.id}`, { password }).then(() => true));
    if (done) {
      setSaved(true);
      setTimeout(onDone, 1200);
    }
  };
  return (
    <form class="reset-form" onSubmit={submit} aria-label={`New password for ${user.name}`}>
      <input
        type="password"
        value={password}
        onInput={(e) => setPassword(e.currentTarget.value)}
        placeholder="new password"
        aria-label={`New password for ${user.name}`}
        autocomplete="new-password"
        required
      />
      <button type="submit" class="primary" disabled={action.busy || password === ''}>
        {saved ? 'Saved' : 'Set'}
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      {action.error && (
        <span class="error-text" role="alert">
          {action.error}
        </span>
      )}
    </form>
  );
}
