/** The alert channel and delivery tables' rows, as both backends read them, and what callers get from them. */
import type {
  AlertChannelKind,
  AlertChannelWithSecret,
  AlertDelivery,
  DeliveryAttempt,
  DeliveryStatus,
  LoggedDelivery,
} from './alert-channel-store.js';

export interface ChannelRow {
  id: number;
  service_id: number;
  name: string;
  kind: AlertChannelKind;
  target: string;
  secret: string | null;
  created_at: number;
}

export const CHANNEL_COLUMNS = 'id, service_id, name, kind, target, secret, created_at';

export interface DeliveryRow {
  id: number;
  channel_id: number;
  transition_id: number | null;
  message_id: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_status: number | null;
  last_answer: string | null;
  last_error: string | null;
}

export const DELIVERY_COLUMNS =
  'id, channel_id, transition_id, message_id, payload, status, attempts, created_at, next_attempt_at, last_attempt_at, last_status, last_answer, last_error';

export interface AttemptRow {
  delivery_id: number;
  attempt: number;
  at: number;
  duration_ms: number;
  status: number | null;
  answer: string | null;
  error: string | null;
}

export const ATTEMPT_COLUMNS = 'delivery_id, attempt, at, duration_ms, status, answer, error';

export function toChannel(row: ChannelRow): AlertChannelWithSecret {
  return {
    id: row.id,
    serviceId: row.service_id,
    name: row.name,
    kind: row.kind,
    target: row.target,
    secret: row.secret,
    createdAt: row.created_at,
  };
}

/** the channel without its secret: what lists and lookups give */
export function withoutSecret({ secret: _secret, ...channel }: AlertChannelWithSecret) {
  return channel;
}

export function toDelivery(row: DeliveryRow): AlertDelivery {
  return {
    id: row.id,
    channelId: row.channel_id,
    transitionId: row.transition_id,
    messageId: row.message_id,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastStatus: row.last_status,
    lastAnswer: row.last_answer,
    lastError: row.last_error,
  };
}

export function toAttempt(row: AttemptRow): DeliveryAttempt {
  return {
    attempt: row.attempt,
    at: row.at,
    durationMs: row.duration_ms,
    status: row.status,
    answer: row.answer,
    error: row.error,
  };
}

/** deliveries (newest first) with their attempts, from the attempts of all of them */
export function withAttempts(deliveries: DeliveryRow[], attempts: AttemptRow[]): LoggedDelivery[] {
  const byDelivery = new Map<number, DeliveryAttempt[]>();
  for (const row of attempts) {
    const list = byDelivery.get(row.delivery_id) ?? [];
    list.push(toAttempt(row));
    byDelivery.set(row.delivery_id, list);
  }
  return deliveries.map((row) => ({
    ...toDelivery(row),
    attemptLog: (byDelivery.get(row.id) ?? []).sort((a, b) => a.attempt - b.attempt),
  }));
}
