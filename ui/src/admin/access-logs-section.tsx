/**
 * A service's "Access logs" section: what to add to nginx or Apache so its
 * access log holds the best data, and an ingest token for this service with
 * the `tmon logs follow` command that sends the log with it (the token is
 * shown once, inside the command).
 */
import { useState } from 'preact/hooks';
import { api } from '../shared/api';
import { useAction } from '../shared/use-action';
import { accessLogSetup, followCommand, type WebServer } from './access-log-setup';
import { CopyButton } from './service-details';
import type { ServiceInfo } from './types';

interface Props {
  service: ServiceInfo;
  onTokenCreated(): void;
}

const SERVERS: { value: WebServer; label: string }[] = [
  { value: 'nginx', label: 'nginx' },
  { value: 'apache', label: 'Apache' },
];

export function AccessLogsSection({ service, onTokenCreated }: Props) {
  const [webServer, setWebServer] = useState<WebServer>('nginx');
  const [behindProxy, setBehindProxy] = useState(false);
  const [token, setToken] = useState<{ name: string; token: string } | null>(null);
  const action = useAction();
  const setup = accessLogSetup(webServer, behindProxy);
  const config = setup.configLines.join('\n');
  // The address this page was reached at, as the browser sees it: behind a proxy that is the public
  // https address, which the server's own view of the request (without TMON_TRUST_PROXY) would not give.
  const origin = window.location.origin;
  const local = /^https?:\/\/(localhost|127\.|\[::1\])/.test(origin);
  const command = token && followCommand({ setup, behindProxy, server: origin, token: token.token });

  const createToken = async () => {
    const name = `logs-${service.name}`;
    const created = await action.run(() =>
      api.post<{ token: string }>('/api/tokens', {
        name,
        scope: 'ingest',
        service_id: service.id,
        expires_in: 'never',
      }),
    );
    if (created) {
      setToken({ name, token: created.token });
      onTokenCreated();
    }
  };

  return (
    <section class="access-logs" aria-labelledby={`access-logs-${service.id}`}>
      <h3 id={`access-logs-${service.id}`}>Access logs</h3>
      <p class="muted small">
        Send this service's traffic from your web server's access log, with no change to the service itself: tmon reads
        each new line and sends it. Caddy, Traefik and importing old logs: docs/access-logs.md.
      </p>
      <div class="inline-form">
        <label>
          Web server
          <select value={webServer} onChange={(e) => setWebServer(e.currentTarget.value as WebServer)}>
            {SERVERS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          <input type="checkbox" checked={behindProxy} onChange={(e) => setBehindProxy(e.currentTarget.checked)} />
          Behind a proxy or load balancer (log X-Forwarded-For)
        </label>
      </div>
      <p class="small">
        1. Add these lines ({setup.configPlace}), then <code>{setup.reload}</code>:
      </p>
      <div class="command">
        <pre>
          <code data-testid="log-format-config">{config}</code>
        </pre>
        <CopyButton text={config} label="Copy the log format lines" />
      </div>
      <p class="small">
        2. On the machine that writes <code>{setup.logPath}</code>, run (as a user who may read it) this command, or
        contrib/tmon-logs-follow.service to keep it running:
      </p>
      {token === null || command === null ? (
        <button type="button" onClick={createToken} disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create an ingest token and show the command'}
        </button>
      ) : (
        <div class="notice" role="status">
          <p>
            Token <strong>{token.name}</strong> created: it may only send events to {service.name}. Copy the command
            now: the token is not shown again.
          </p>
          <div class="command">
            <pre>
              <code data-testid="follow-command">{command}</code>
            </pre>
            <CopyButton text={command} label="Copy the follow command" />
          </div>
          {local && (
            <p class="muted small">
              This page was opened at {origin}: from another machine, put tmon's network address after --server.
            </p>
          )}
        </div>
      )}
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
    </section>
  );
}
