/**
 * tmon alert add|list|remove|test, and tmon alert channel …
 * (alert-channel.ts): a service's alert rules and a test send, on the
 * database directly, as `tmon service` and `tmon token` work. A test send
 * is queued in the database; a running tmon's delivery worker sends it
 * (each process polls every second), and the command waits for the outcome.
 */
import { createAlertRules } from '../alerts/alert-rules.js';
import { isChannelRefusal } from '../alerts/delivery/alert-channels.js';
import { isRuleRefusal } from '../alerts/rules.js';
import { systemClock } from '../clock.js';
import type { AlertChannel, AlertChannelStore, LoggedDelivery } from '../store/alert-channel-store.js';
import { presentRule } from '../web/alerts/present.js';
import { CHANNEL_OPTIONS, CHANNEL_USAGE, channelCommand } from './alert-channel.js';
import { durationMinutes, durationSeconds } from './alert-duration.js';
import { cliAlertChannels, requireServiceArgument } from './alert-service.js';
import { CommandFailed, output, parse, positiveInteger, UsageError } from './args.js';
import { withStore } from './context.js';

export const ALERT_USAGE = `tmon alert add SERVICE --kind spike|silence|error_share|p95|baseline --threshold X [--window 5m]
    [--name N] [--min-requests N] [--errors-from 500|400] [--url-prefix /p] [--for 2m] [--repeat 30m]
    a rule: spike, silence: requests in the window above / at most X; error_share: X % of answers >= 500
    (or 400); p95: duration_ms above X ms; baseline: X times the same window's mean over the last 7 days.
    --for: how long it must hold to fire (and stop holding to resolve); --repeat: notify again while firing
tmon alert list SERVICE           (rules with their state)
tmon alert remove SERVICE RULE_ID
tmon alert test SERVICE [--channel ID]
    a test notification to every channel of the service (or one), sent by the running tmon; waits up to
    15 s for the outcome, exit 1 when one is not delivered. Its dashboard link comes from this command's
    TMON_PUBLIC_URL (variable or TMON_CONFIG file), not the server's: without it, no link
${CHANNEL_USAGE}
  (SERVICE: its name or id; each with [--data DIR] [--json])`;

/** how long `tmon alert test` waits for the running tmon to deliver */
const TEST_WAIT_MS = 15_000;
const TEST_POLL_MS = 200;
const RULE_ACTIONS = ['add', 'list', 'remove', 'test'];

export async function alertCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    kind: { type: 'string' },
    threshold: { type: 'string' },
    window: { type: 'string' },
    name: { type: 'string' },
    'min-requests': { type: 'string' },
    'errors-from': { type: 'string' },
    'url-prefix': { type: 'string' },
    for: { type: 'string' },
    repeat: { type: 'string' },
    channel: { type: 'string' },
    ...CHANNEL_OPTIONS,
  });
  const [action, ...rest] = positionals;
  if (action === 'channel') return channelCommand(rest, values);
  if (action === undefined) throw new UsageError('tmon alert needs an action');
  if (!RULE_ACTIONS.includes(action)) throw new UsageError(`unknown action "alert ${action}"`);

  await withStore(values.data, async (context) => {
    const rules = createAlertRules({ store: context.alertRules, clock: systemClock });
    const service = await requireServiceArgument(context.accountStore, rest[0]);
    switch (action) {
      case 'add': {
        if (values.kind === undefined) throw new UsageError('--kind is required');
        if (values.threshold === undefined) throw new UsageError('--threshold is required');
        const threshold = Number(values.threshold);
        if (values.threshold.trim() === '' || !Number.isFinite(threshold)) {
          throw new UsageError(`--threshold takes a number, not "${values.threshold}"`);
        }
        const rule = await rules.add(service.id, {
          name: values.name ?? `${values.kind} ${values.threshold}`,
          kind: values.kind,
          threshold,
          windowSeconds: durationSeconds(values.window ?? '5m', '--window', 's'),
          minRequests: values['min-requests'] === undefined ? undefined : count(values['min-requests']),
          errorsFrom: values['errors-from'] === undefined ? undefined : Number(values['errors-from']),
          urlPrefix: values['url-prefix'],
          forSeconds: values.for === undefined ? undefined : durationSeconds(values.for, '--for', 's'),
          repeatMinutes: values.repeat === undefined ? undefined : durationMinutes(values.repeat, '--repeat'),
        });
        if (isRuleRefusal(rule)) throw new CommandFailed(rule.message);
        return output(values.json, presentRule(rule), () => `added rule ${rule.id} "${rule.name}" to ${service.name}`);
      }
      case 'list': {
        const listed = await rules.list(service.id);
        return output(values.json, listed.map(presentRule), () =>
          listed.length === 0
            ? `no alert rules on ${service.name}`
            : listed
                .map((rule) =>
                  [
                    rule.id,
                    rule.name,
                    `${rule.kind} ${rule.threshold} over ${rule.windowSeconds} s${rule.urlPrefix ? ` on ${rule.urlPrefix}` : ''}`,
                    rule.state === 'firing' ? `FIRING since ${iso(rule.stateChangedAt)}` : 'ok',
                    rule.lastValue === null ? 'not evaluated yet' : `last value ${rule.lastValue}`,
                    rule.mutedUntil !== null && rule.mutedUntil > Date.now()
                      ? `muted until ${iso(rule.mutedUntil)}`
                      : '',
                  ]
                    .filter((field) => field !== '')
                    .join('\t'),
                )
                .join('\n'),
        );
      }
      case 'remove': {
        const id = positiveInteger(rest[1], 'RULE_ID');
        const removed = await rules.remove(service.id, id);
        if (isRuleRefusal(removed)) throw new CommandFailed(removed.message);
        return output(values.json, { id, removed: true }, () => `removed rule ${id} from ${service.name}`);
      }
      case 'test': {
        const channels = cliAlertChannels(context);
        const all = await channels.list(service.id);
        const chosen =
          values.channel === undefined
            ? all
            : all.filter((channel) => channel.id === positiveInteger(values.channel, '--channel'));
        if (chosen.length === 0) {
          throw new CommandFailed(
            values.channel === undefined
              ? `${service.name} has no channels: add one with tmon alert channel add`
              : `${service.name} has no channel ${values.channel}`,
          );
        }
        const sent: { channel: AlertChannel; deliveryId: number }[] = [];
        for (const channel of chosen) {
          const delivery = await channels.sendTest(service.id, channel.id);
          if (isChannelRefusal(delivery)) throw new CommandFailed(delivery.message);
          sent.push({ channel, deliveryId: delivery.id });
        }
        const outcomes = await waitForOutcomes(context.alertChannels, sent);
        const shown = outcomes.map(({ channel, delivery }) => ({
          channel_id: channel.id,
          channel: channel.name,
          kind: channel.kind,
          delivery_id: delivery?.id ?? null,
          status: delivery?.status ?? 'pending',
          attempts: delivery?.attempts ?? 0,
          last_status: delivery?.lastStatus ?? null,
          last_error: delivery?.lastError ?? null,
        }));
        output(values.json, shown, () =>
          shown
            .map((o) =>
              [
                `channel ${o.channel_id} "${o.channel}" (${o.kind}):`,
                o.status === 'pending' ? `not delivered within ${TEST_WAIT_MS / 1000} s` : o.status.replace('_', ' '),
                o.last_status === null ? '' : `status ${o.last_status}`,
                o.last_error === null ? '' : o.last_error,
                o.status === 'pending' && o.attempts === 0 ? '(is tmon running on this database?)' : '',
              ]
                .filter((part) => part !== '')
                .join(' '),
            )
            .join('\n'),
        );
        const failed = shown.filter((o) => o.status !== 'delivered').length;
        if (failed > 0) throw new CommandFailed(`${failed} of ${shown.length} test notifications not delivered`);
        return;
      }
    }
  });
}

/** Polls the delivery log until every test delivery is settled (delivered or given up), or the wait is over. */
async function waitForOutcomes(
  store: AlertChannelStore,
  sent: { channel: AlertChannel; deliveryId: number }[],
): Promise<{ channel: AlertChannel; delivery: LoggedDelivery | undefined }[]> {
  const deadline = Date.now() + TEST_WAIT_MS;
  for (;;) {
    const outcomes = await Promise.all(
      sent.map(async ({ channel, deliveryId }) => ({
        channel,
        delivery: (await store.deliveryLog(channel.id, 20)).find((d) => d.id === deliveryId),
      })),
    );
    const settled = outcomes.every(({ delivery }) => delivery !== undefined && delivery.status !== 'pending');
    if (settled || Date.now() >= deadline) return outcomes;
    await new Promise((resolve) => setTimeout(resolve, TEST_POLL_MS));
  }
}

function count(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--min-requests takes a whole number, not "${text}"`);
  return Number(text);
}

function iso(ms: number | null): string {
  return ms === null ? '?' : new Date(ms).toISOString();
}
