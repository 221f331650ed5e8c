/**
 * A service's "Alerts" section on the admin page, for its owner and admins:
 * the rules (state, add, edit, mute, remove) and the channels they notify
 * (add, test, delivery log, remove). Both lists are read when the section
 * opens and again after every change made here.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AlertChannel, AlertRule } from '../../shared/alert-types';
import { alertsApi } from '../../shared/alerts-api';
import { errorMessage } from '../../shared/api';
import type { ServiceInfo } from '../types';
import { ChannelForm } from './channel-form';
import { ChannelsList } from './channels-list';
import { RuleForm } from './rule-form';
import { RulesList } from './rules-list';

export function AlertsSection({ service }: { service: ServiceInfo }) {
  const [rules, setRules] = useState<AlertRule[] | null>(null);
  const [channels, setChannels] = useState<AlertChannel[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const loadRules = useCallback(async () => {
    try {
      setRules(await alertsApi.rules(service.id));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, [service.id]);
  const loadChannels = useCallback(async () => {
    try {
      setChannels(await alertsApi.channels(service.id));
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, [service.id]);
  useEffect(() => {
    void loadRules();
    void loadChannels();
  }, [loadRules, loadChannels]);

  const titleId = `alerts-${service.id}`;
  return (
    <section class="alerts-admin" aria-labelledby={titleId}>
      <h3 id={titleId}>Alerts</h3>
      <p class="muted small">
        Rules are checked every few seconds from the service's counts. When one fires or resolves, every channel below
        is notified once; the dashboard shows it too. More in docs/alerts.md.
      </p>
      {loadError && (
        <p class="error-text" role="alert">
          {loadError}
        </p>
      )}
      <h4>Rules</h4>
      {rules === null ? (
        !loadError && <p class="muted small">Loading…</p>
      ) : (
        <RulesList serviceId={service.id} rules={rules} onChanged={loadRules} />
      )}
      <details class="add-rule">
        <summary>Add a rule</summary>
        <RuleForm serviceId={service.id} onSaved={() => void loadRules()} />
      </details>
      <h4>Channels</h4>
      {channels === null ? (
        !loadError && <p class="muted small">Loading…</p>
      ) : (
        <ChannelsList serviceId={service.id} channels={channels} onChanged={loadChannels} />
      )}
      <ChannelForm serviceId={service.id} onCreated={loadChannels} />
    </section>
  );
}
