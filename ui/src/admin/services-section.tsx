/**
 * Services: the caller's own (all of them for an admin), a form to create
 * one, and per-service details. The secret of a new service is shown right
 * after saving, in the details that open for it.
 */
import { useState } from 'preact/hooks';
import { api } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { useAction } from '../shared/use-action';
import { ServiceDetails } from './service-details';
import { type Me, SERVICE_NAME, type ServiceInfo } from './types';

interface Props {
  me: Me;
  services: ServiceInfo[] | null;
  loadError: string | null;
  reload(): Promise<void>;
  onTokenCreated(): void;
}

export function ServicesSection({ me, services, loadError, reload, onTokenCreated }: Props) {
  const [open, setOpen] = useState<number | null>(null);
  const [justCreated, setJustCreated] = useState<number | null>(null);

  return (
    <section class="card" aria-labelledby="services-title">
      <header class="card-head">
        <h2 id="services-title">{me.admin ? 'All services' : 'Your services'}</h2>
      </header>
      <CreateService
        onCreated={async (service) => {
          await reload();
          setJustCreated(service.id);
          setOpen(service.id);
        }}
      />
      {loadError && (
        <p class="notice error" role="alert">
          {loadError}
        </p>
      )}
      {services === null ? (
        <p class="muted">Loading…</p>
      ) : services.length === 0 ? (
        <p class="empty">No services yet. Create one above, then point a sender at its id and secret.</p>
      ) : (
        <ul class="service-list">
          {services.map((s) => (
            <li key={s.id} class="service-item">
              <div class="service-row">
                <button
                  type="button"
                  class="disclosure"
                  aria-expanded={open === s.id}
                  aria-controls={`service-${s.id}`}
                  onClick={() => setOpen(open === s.id ? null : s.id)}
                >
                  <span class="service-name">{s.name}</span>
                  <span class="muted">#{s.id}</span>
                </button>
                <span class="muted small">
                  {s.owner_id === me.id ? 'yours' : `owner ${s.owner}`}
                  {s.shared_with.length > 0 && ` · shared with ${s.shared_with.length}`}
                  {' · '}created {formatDateTime(s.created_at)}
                </span>
                <a class="button" href={`/view/dashboard/${s.id}`}>
                  Dashboard
                </a>
              </div>
              {open === s.id && (
                <ServiceDetails
                  id={`service-${s.id}`}
                  service={s}
                  me={me}
                  fresh={justCreated === s.id}
                  onChanged={reload}
                  onTokenCreated={onTokenCreated}
                  onRemoved={async () => {
                    setOpen(null);
                    await reload();
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CreateService({ onCreated }: { onCreated(service: ServiceInfo): Promise<void> }) {
  const [name, setName] = useState('');
  const action = useAction();
  const invalid = name !== '' && !SERVICE_NAME.test(name);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!SERVICE_NAME.test(name)) {
      action.setError('Use 1–40 characters: a lowercase letter first, then lowercase letters, digits, _ or -.');
      return;
    }
    const created = await action.run(() => api.post<ServiceInfo>('/api/services', { name }));
    if (created) {
      setName('');
      await onCreated(created);
    }
  };

  return (
    <form class="inline-form" onSubmit={submit} aria-label="Create a service" noValidate>
      <label>
        New service name
        <input
          name="name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value.trim())}
          placeholder="e.g. shop"
          autocomplete="off"
          spellcheck={false}
          maxLength={40}
          aria-invalid={invalid}
          aria-describedby="service-name-rule"
          required
        />
      </label>
      <button type="submit" class="primary" disabled={action.busy || name === ''}>
        {action.busy ? 'Creating…' : 'Create service'}
      </button>
      <span id="service-name-rule" class={invalid ? 'error-text small' : 'muted small'}>
        lowercase letter first, then a–z, 0–9, _ or -, up to 40
      </span>
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
    </form>
  );
}
