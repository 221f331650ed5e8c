/**
 * The notification: what every channel is told about one transition (or a
 * "send a test"). It is stored as JSON in the delivery row when the
 * transition is written, and rendered per channel kind at send time, so a
 * retry sends the same content however the rule changed since.
 */

export type NotificationType = 'alert.fired' | 'alert.resolved' | 'alert.reminder' | 'alert.test';
export type TransitionKind = 'fired' | 'resolved' | 'reminder';

export interface NotificationRule {
  id: number;
  name: string;
  kind: string;
  url_prefix: string | null;
  window_seconds: number;
  threshold: number;
}

export interface Notification {
  type: NotificationType;
  /** ISO time of the transition */
  timestamp: string;
  service: { id: number; name: string };
  /** null for a test */
  rule: NotificationRule | null;
  /** the reading that made the transition */
  value: number | null;
  /** one human sentence */
  message: string;
  dashboard_url: string | null;
}

export interface NotificationInput {
  kind: TransitionKind;
  at: number;
  service: { id: number; name: string };
  rule: {
    id: number;
    name: string;
    kind: string;
    urlPrefix: string | null;
    windowSeconds: number;
    threshold: number;
  };
  value: number | null;
  message: string;
  /** where tmon is reached from outside (no trailing slash needed), or null when unknown */
  publicUrl: string | null;
}

const TYPE_OF: Record<TransitionKind, NotificationType> = {
  fired: 'alert.fired',
  resolved: 'alert.resolved',
  reminder: 'alert.reminder',
};

export function dashboardUrl(publicUrl: string | null, serviceId: number): string | null {
  if (publicUrl === null) return null;
  return `${publicUrl.replace(/\/+$/, '')}/view/dashboard/${serviceId}`;
}

export function buildNotification(input: NotificationInput): Notification {
  return {
    type: TYPE_OF[input.kind],
    timestamp: new Date(input.at).toISOString(),
    service: { id: input.service.id, name: input.service.name },
    rule: {
      id: input.rule.id,
      name: input.rule.name,
      kind: input.rule.kind,
      url_prefix: input.rule.urlPrefix,
      window_seconds: input.rule.windowSeconds,
      threshold: input.rule.threshold,
    },
    value: input.value,
    message: input.message,
    dashboard_url: dashboardUrl(input.publicUrl, input.service.id),
  };
}

/** The notification a channel's "send a test" carries: no rule, no value. */
export function buildTestNotification(input: {
  at: number;
  service: { id: number; name: string };
  channelName: string;
  publicUrl: string | null;
}): Notification {
  return {
    type: 'alert.test',
    timestamp: new Date(input.at).toISOString(),
    service: { id: input.service.id, name: input.service.name },
    rule: null,
    value: null,
    message: `${input.service.name}: a test notification from tmon to channel "${input.channelName}"`,
    dashboard_url: dashboardUrl(input.publicUrl, input.service.id),
  };
}
