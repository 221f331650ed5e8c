/** The dashboard's top bar: the service switcher, the connection state, a link to admin and the logout button. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../shared/api';
import { LogoutButton } from '../shared/logout-button';
import type { ConnectionState } from './live/live-stream';
import type { ServiceSummary } from './types';

interface Props {
  wsid: number;
  serviceName: string;
  user: string;
  connection: ConnectionState;
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  ended: 'access ended',
};

export function Header({ wsid, serviceName, user, connection }: Props) {
  const [services, setServices] = useState<ServiceSummary[] | null>(null);
  useEffect(() => {
    api.get<ServiceSummary[]>('/api/services').then(setServices, () => setServices([]));
  }, []);

  return (
    <header class="topbar">
      <a class="brand" href="/" aria-label="tmon home">
        tmon
      </a>
      <details class="switcher">
        <summary aria-label={`Service ${serviceName}; choose another service`}>
          <span class="switcher-name">{serviceName}</span> <span class="muted">#{wsid}</span>
        </summary>
        <ul class="switcher-list">
          {services === null && <li class="muted">loading…</li>}
          {services?.map((s) => (
            <li key={s.id}>
              <a href={`/view/dashboard/${s.id}`} aria-current={s.id === wsid ? 'page' : undefined}>
                {s.name} <span class="muted">#{s.id}</span>
              </a>
            </li>
          ))}
          {services !== null && services.length === 0 && <li class="muted">no other services</li>}
        </ul>
      </details>
      <span class={`connection ${connection}`} role="status" aria-live="polite">
        <span class="dot" aria-hidden="true" />
        {CONNECTION_TEXT[connection]}
      </span>
      <nav class="topnav" aria-label="Account">
        <span class="muted">{user}</span>
        <a href="/admin">Admin</a>
        <LogoutButton />
      </nav>
    </header>
  );
}
