/**
 * The alerts routes as the pages call them: a service's rules and their
 * transitions (owners and the viewers it is shared with), its channels and
 * their delivery logs (owners only). Every failure is an ApiError carrying
 * the server's message.
 */
import type { AlertChannel, AlertDelivery, AlertRule, AlertTransition, ChannelKind, RuleInput } from './alert-types';
import { api } from './api';

const base = (serviceId: number) => `/api/services/${serviceId}`;

export const alertsApi = {
  rules: (serviceId: number, signal?: AbortSignal) =>
    api.get<{ rules: AlertRule[] }>(`${base(serviceId)}/alerts`, signal).then((a) => a.rules),
  transitions: (serviceId: number, limit = 50, signal?: AbortSignal) =>
    api
      .get<{ transitions: AlertTransition[] }>(`${base(serviceId)}/alerts/transitions?limit=${limit}`, signal)
      .then((a) => a.transitions),
  createRule: (serviceId: number, input: RuleInput) =>
    api.post<{ rule: AlertRule }>(`${base(serviceId)}/alerts`, input).then((a) => a.rule),
  updateRule: (serviceId: number, ruleId: number, input: RuleInput) =>
    api.put<{ rule: AlertRule }>(`${base(serviceId)}/alerts/${ruleId}`, input).then((a) => a.rule),
  /** until: ms since the epoch; null unmutes */
  muteRule: (serviceId: number, ruleId: number, until: number | null) =>
    api.post<{ rule: AlertRule }>(`${base(serviceId)}/alerts/${ruleId}/mute`, { until }).then((a) => a.rule),
  removeRule: (serviceId: number, ruleId: number) => api.delete<void>(`${base(serviceId)}/alerts/${ruleId}`),

  channels: (serviceId: number) =>
    api.get<{ channels: AlertChannel[] }>(`${base(serviceId)}/channels`).then((a) => a.channels),
  /** the webhook secret is in this answer only */
  createChannel: (serviceId: number, input: { name: string; kind: ChannelKind; target: string }) =>
    api.post<{ channel: AlertChannel; secret: string | null }>(`${base(serviceId)}/channels`, input),
  /** the kind and a webhook's secret stay as they are */
  updateChannel: (serviceId: number, channelId: number, change: { name?: string; target?: string }) =>
    api.put<{ channel: AlertChannel }>(`${base(serviceId)}/channels/${channelId}`, change).then((a) => a.channel),
  removeChannel: (serviceId: number, channelId: number) => api.delete<void>(`${base(serviceId)}/channels/${channelId}`),
  sendTest: (serviceId: number, channelId: number) =>
    api.post<{ delivery: AlertDelivery }>(`${base(serviceId)}/channels/${channelId}/test`).then((a) => a.delivery),
  deliveries: (serviceId: number, channelId: number, limit = 50) =>
    api
      .get<{ deliveries: AlertDelivery[] }>(`${base(serviceId)}/channels/${channelId}/deliveries?limit=${limit}`)
      .then((a) => a.deliveries),
};
