/**
 * The alerts API: a service's rules and their transitions, its channels,
 * test sends and the delivery log. validate → authorize → call the alert
 * modules → present. Owners and admins (a session, whose changes need the
 * CSRF token, or an admin token) may do everything; viewers the service is
 * shared with and read tokens may read the rules and transitions (the
 * dashboard's panel), never the channels, whose targets are credentials.
 * A service the caller may not see answers 404, as one that does not exist.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { AlertRules } from '../../alerts/alert-rules.js';
import type { AlertChannels } from '../../alerts/delivery/alert-channels.js';
import type { ApiErrorCode } from '../../errors/catalogue.js';
import type { Service } from '../../store/store.js';
import { described } from '../answer-schemas.js';
import { requireCsrfToken } from '../auth/csrf.js';
import { requireCaller } from '../auth/current-user.js';
import { requireVisibleService, visibleServiceFor } from '../auth/visible-service.js';
import { HttpError } from '../errors.js';
import {
  AlertChannelAnswer,
  AlertChannelsAnswer,
  AlertRemovedAnswer,
  AlertRuleAnswer,
  AlertRulesAnswer,
  AlertTransitionsAnswer,
  DeliveriesAnswer,
  NewAlertChannelAnswer,
  NewAlertRuleAnswer,
  TestDeliveryAnswer,
} from './answers.js';
import { presentChannel, presentDelivery, presentRule, presentTransition } from './present.js';
import {
  ChannelChanges,
  ChannelParams,
  DeliveryQuery,
  MuteInput,
  NewChannel,
  RuleInput,
  RuleParams,
  ServiceParams,
  TransitionQuery,
} from './schemas.js';

export interface AlertRouteDeps {
  accounts: Accounts;
  rules: AlertRules;
  channels: AlertChannels;
}

/** What the alert modules answer instead of a value when they refuse: sent with its code's status. */
type Refused = { refused: ApiErrorCode; message: string };
function orRefused<T>(value: T): Exclude<T, Refused> {
  if (typeof value === 'object' && value !== null && 'refused' in value) {
    const refusal = value as unknown as Refused;
    throw new HttpError(refusal.refused, refusal.message);
  }
  return value as Exclude<T, Refused>;
}

/** The API's snake_case rule fields → the module's settings, as sent (it checks them). */
function ruleSettings(body: Record<string, unknown>): Record<string, unknown> {
  return {
    name: body.name,
    kind: body.kind,
    windowSeconds: body.window_seconds,
    threshold: body.threshold,
    minRequests: body.min_requests,
    errorsFrom: body.errors_from,
    urlPrefix: body.url_prefix,
    forSeconds: body.for_seconds,
    repeatMinutes: body.repeat_minutes,
    mutedUntil: body.muted_until,
  };
}

export async function alertRoutes(fastify: FastifyInstance, deps: AlertRouteDeps): Promise<void> {
  const { accounts, rules, channels } = deps;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('preHandler', requireCsrfToken);

  /** A service the caller may read: its owner, an admin, a viewer it is shared with; a read token will do. */
  const readable = async (request: FastifyRequest, id: number): Promise<Service> =>
    (await requireVisibleService(request, accounts, id, 'read')).service;

  /** A service the caller manages (owner or admin, a session or an admin token); viewers get 403. */
  const managed = async (request: FastifyRequest, id: number): Promise<Service> => {
    const caller = await requireCaller(request, accounts, 'admin');
    const service = await visibleServiceFor(caller, accounts, id);
    if (!service) throw new HttpError('not_found', `no service with id ${id}`);
    if (!caller.user.admin && service.ownerId !== caller.user.id) {
      throw new HttpError('forbidden', "only the service's owner sets up its alerts and channels");
    }
    return service;
  };

  // rules

  const listSchema = {
    ...described('alerts', "A service's alert rules, with their state", { 200: AlertRulesAnswer }),
    params: ServiceParams,
  };
  app.get('/api/services/:id/alerts', { schema: listSchema }, async (request) => {
    const service = await readable(request, request.params.id);
    return { status: 200 as const, results: { rules: (await rules.list(service.id)).map(presentRule) } };
  });

  const addSchema = {
    ...described('alerts', 'Add an alert rule (at most 100 per service)', { 201: NewAlertRuleAnswer }),
    params: ServiceParams,
    body: RuleInput,
  };
  app.post('/api/services/:id/alerts', { schema: addSchema }, async (request, reply) => {
    const service = await managed(request, request.params.id);
    const rule = orRefused(await rules.add(service.id, ruleSettings(request.body)));
    return reply.code(201).send({ status: 201 as const, results: { rule: presentRule(rule) } });
  });

  const transitionsSchema = {
    ...described('alerts', "A service's alert transitions, newest first", { 200: AlertTransitionsAnswer }),
    params: ServiceParams,
    querystring: TransitionQuery,
  };
  app.get('/api/services/:id/alerts/transitions', { schema: transitionsSchema }, async (request) => {
    const service = await readable(request, request.params.id);
    const [transitions, current] = await Promise.all([
      rules.transitions(service.id, { limit: request.query.limit, since: request.query.since }),
      rules.list(service.id),
    ]);
    const names = new Map(current.map((rule) => [rule.id, rule.name]));
    return {
      status: 200 as const,
      results: { transitions: transitions.map((transition) => presentTransition(transition, names)) },
    };
  });

  const updateSchema = {
    ...described('alerts', "Replace an alert rule's settings (its state is kept)", { 200: AlertRuleAnswer }),
    params: RuleParams,
    body: RuleInput,
  };
  app.put('/api/services/:id/alerts/:ruleId', { schema: updateSchema }, async (request) => {
    const service = await managed(request, request.params.id);
    const rule = orRefused(await rules.update(service.id, request.params.ruleId, ruleSettings(request.body)));
    return { status: 200 as const, results: { rule: presentRule(rule) } };
  });

  const muteSchema = {
    ...described('alerts', 'Mute an alert rule until a time (null unmutes): evaluated, notifies nothing', {
      200: AlertRuleAnswer,
    }),
    params: RuleParams,
    body: MuteInput,
  };
  app.post('/api/services/:id/alerts/:ruleId/mute', { schema: muteSchema }, async (request) => {
    const service = await managed(request, request.params.id);
    const until = request.body.until as number | null;
    const rule = orRefused(await rules.mute(service.id, request.params.ruleId, until));
    return { status: 200 as const, results: { rule: presentRule(rule) } };
  });

  const removeSchema = {
    ...described('alerts', 'Remove an alert rule and its transitions', { 200: AlertRemovedAnswer }),
    params: RuleParams,
  };
  app.delete('/api/services/:id/alerts/:ruleId', { schema: removeSchema }, async (request) => {
    const service = await managed(request, request.params.id);
    orRefused(await rules.remove(service.id, request.params.ruleId));
    return { status: 200 as const, results: { id: request.params.ruleId, removed: true as const } };
  });

  // channels: owners only, their targets are credentials

  const channelsSchema = {
    ...described('alerts', "A service's alert channels (never their secrets)", { 200: AlertChannelsAnswer }),
    params: ServiceParams,
  };
  app.get('/api/services/:id/channels', { schema: channelsSchema }, async (request) => {
    const service = await managed(request, request.params.id);
    return { status: 200 as const, results: { channels: (await channels.list(service.id)).map(presentChannel) } };
  });

  const newChannelSchema = {
    ...described('alerts', "Add a channel (at most 20 per service); a webhook's secret is shown this once", {
      201: NewAlertChannelAnswer,
    }),
    params: ServiceParams,
    body: NewChannel,
  };
  app.post('/api/services/:id/channels', { schema: newChannelSchema }, async (request, reply) => {
    const service = await managed(request, request.params.id);
    const channel = orRefused(await channels.create(service.id, request.body));
    return reply
      .code(201)
      .send({ status: 201 as const, results: { channel: presentChannel(channel), secret: channel.secret } });
  });

  const changeChannelSchema = {
    ...described('alerts', "Change a channel's name or target (not its kind, nor its secret)", {
      200: AlertChannelAnswer,
    }),
    params: ChannelParams,
    body: ChannelChanges,
  };
  app.put('/api/services/:id/channels/:channelId', { schema: changeChannelSchema }, async (request) => {
    const service = await managed(request, request.params.id);
    const channel = orRefused(await channels.update(service.id, request.params.channelId, request.body));
    return { status: 200 as const, results: { channel: presentChannel(channel) } };
  });

  const removeChannelSchema = {
    ...described('alerts', 'Remove a channel and its delivery log', { 200: AlertRemovedAnswer }),
    params: ChannelParams,
  };
  app.delete('/api/services/:id/channels/:channelId', { schema: removeChannelSchema }, async (request) => {
    const service = await managed(request, request.params.id);
    orRefused(await channels.remove(service.id, request.params.channelId));
    return { status: 200 as const, results: { id: request.params.channelId, removed: true as const } };
  });

  const testSchema = {
    ...described('alerts', 'Send a test notification to a channel', { 202: TestDeliveryAnswer }),
    params: ChannelParams,
  };
  app.post('/api/services/:id/channels/:channelId/test', { schema: testSchema }, async (request, reply) => {
    const service = await managed(request, request.params.id);
    const delivery = orRefused(await channels.sendTest(service.id, request.params.channelId));
    return reply
      .code(202)
      .send({ status: 202 as const, results: { delivery: presentDelivery({ ...delivery, attemptLog: [] }) } });
  });

  const logSchema = {
    ...described('alerts', "A channel's delivery log, newest first, with every attempt", { 200: DeliveriesAnswer }),
    params: ChannelParams,
    querystring: DeliveryQuery,
  };
  app.get('/api/services/:id/channels/:channelId/deliveries', { schema: logSchema }, async (request) => {
    const service = await managed(request, request.params.id);
    const log = orRefused(await channels.deliveryLog(service.id, request.params.channelId, request.query.limit));
    return { status: 200 as const, results: { deliveries: log.map(presentDelivery) } };
  });
}
