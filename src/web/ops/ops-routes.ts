/** Health for load balancers and Prometheus metrics for admins. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../../accounts/accounts.js';
import type { IngestCounters } from '../../ingest/counters.js';
import { Answer, ERROR_RESPONSES, SESSION_OR_TOKEN } from '../answer-schemas.js';
import { requireCaller } from '../auth/current-user.js';
import { HttpError } from '../errors.js';

const HealthAnswer = Answer(Type.Object({ ok: Type.Literal(true) }), 'The process answers');
const METRICS_TEXT = { schema: { type: 'string', description: 'Prometheus text format 0.0.4' } };

export interface OpsRouteDeps {
  accounts: Accounts;
  counters: IngestCounters;
  queuedEvents: () => number;
}

export async function opsRoutes(app: FastifyInstance, { accounts, counters, queuedEvents }: OpsRouteDeps) {
  const healthSchema = {
    summary: 'Liveness, for load balancers (no authentication)',
    tags: ['operations'],
    response: { 200: HealthAnswer },
  };
  app.get('/healthz', { schema: healthSchema }, async () => ({ status: 200 as const, results: { ok: true as const } }));

  const metricsSchema = {
    summary: 'Prometheus metrics: collect requests, events, group commits, refusals by reason, the write queue',
    description: 'For admins: a session or a token of scope read or admin of an admin user.',
    tags: ['operations'],
    security: SESSION_OR_TOKEN,
    response: {
      200: { description: 'Counters and gauges', content: { 'text/plain; version=0.0.4': METRICS_TEXT } },
      ...ERROR_RESPONSES,
    },
  };
  app.get('/metrics', { schema: metricsSchema }, async (request, reply) => {
    const { user } = await requireCaller(request, accounts, 'read');
    if (!user.admin) throw new HttpError('forbidden', 'metrics are for admins');
    const snapshot = counters.snapshot();
    const { accepted_requests, accepted_events, stored_events, group_commits, refused } = snapshot;
    const lines = [
      '# HELP tmon_collect_accepted_requests_total Collect requests answered 200.',
      '# TYPE tmon_collect_accepted_requests_total counter',
      `tmon_collect_accepted_requests_total ${accepted_requests}`,
      '# HELP tmon_collect_accepted_events_total Events acknowledged (idempotent repeats included).',
      '# TYPE tmon_collect_accepted_events_total counter',
      `tmon_collect_accepted_events_total ${accepted_events}`,
      '# HELP tmon_collect_stored_events_total Events newly stored.',
      '# TYPE tmon_collect_stored_events_total counter',
      `tmon_collect_stored_events_total ${stored_events}`,
      '# HELP tmon_group_commits_total Group commits (one transaction each) of collected events.',
      '# TYPE tmon_group_commits_total counter',
      `tmon_group_commits_total ${group_commits}`,
      '# HELP tmon_collect_refused_total Collect requests refused, by reason.',
      '# TYPE tmon_collect_refused_total counter',
      ...Object.entries(refused).map(([reason, n]) => `tmon_collect_refused_total{reason="${reason}"} ${n}`),
      '# HELP tmon_otlp_spans_ignored_total OTLP spans that are not HTTP server spans (no event, not an error).',
      '# TYPE tmon_otlp_spans_ignored_total counter',
      `tmon_otlp_spans_ignored_total ${snapshot.otlp_spans_ignored}`,
      '# HELP tmon_otlp_spans_rejected_total OTLP HTTP server spans that could not become an event (partial success).',
      '# TYPE tmon_otlp_spans_rejected_total counter',
      `tmon_otlp_spans_rejected_total ${snapshot.otlp_spans_rejected}`,
      '# HELP tmon_write_queue_events Events waiting for their group commit.',
      '# TYPE tmon_write_queue_events gauge',
      `tmon_write_queue_events ${queuedEvents()}`,
    ];
    return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
  });
}
