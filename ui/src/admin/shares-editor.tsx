/** Who else may view a service: the list, removal, and sharing with a user by name. */
import { useState } from 'preact/hooks';
import { api } from '../shared/api';
import { useAction } from '../shared/use-action';
import type { ServiceInfo } from './types';

export function SharesEditor({ service, onChanged }: { service: ServiceInfo; onChanged(): Promise<void> }) {
  const [user, setUser] = useState('');
  const action = useAction();

  const share = async (e: Event) => {
    e.preventDefault();
    if (user === '') return;
    const done = await action.run(() =>
      api.post<unknown>(`/api/services/${service.id}/shares`, { user }).then(() => true),
    );
    if (done) {
      setUser('');
      await onChanged();
    }
  };
  const unshare = async (userId: number) => {
    const done = await action.run(() =>
      api.delete<unknown>(`/api/services/${service.id}/shares/${userId}`).then(() => true),
    );
    if (done) await onChanged();
  };

  return (
    <div class="shares">
      <h3>Shared with</h3>
      {service.shared_with.length === 0 ? (
        <p class="muted small">Nobody else yet.</p>
      ) : (
        <ul class="chips">
          {service.shared_with.map((u) => (
            <li key={u.id} class="chip">
              {u.name}
              <button
                type="button"
                class="chip-remove"
                aria-label={`Stop sharing ${service.name} with ${u.name}`}
                disabled={action.busy}
                onClick={() => unshare(u.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <form class="inline-form" onSubmit={share} aria-label={`Share ${service.name} with a user`}>
        <label>
          Share with user (as viewer)
          <input
            value={user}
            onInput={(e) => setUser(e.currentTarget.value.trim())}
            placeholder="user name"
            autocomplete="off"
            required
          />
        </label>
        <button type="submit" disabled={action.busy || user === ''}>
          Share
        </button>
      </form>
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
    </div>
  );
}
