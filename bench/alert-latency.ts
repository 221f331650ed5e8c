/**
 * npm run bench:alert-latency: how long after an alert's condition becomes
 * true its webhook arrives (target: p99 ≤ the evaluation interval + 2 s)
 * while tmon ingests 5,000 events/s, and what evaluating the rules costs.
 *
 * A real tmon (TMON_ALERT_INTERVAL_SECONDS, private targets allowed for the
 * receiver on 127.0.0.1) gets one webhook channel, a spike rule per round on
 * a URL prefix of its own (more than 300 requests in 60 s) and 1,000 other
 * rules on 100 other services. Events are sent at a steady rate; in round i
 * the mix changes for 2 s or so (every k-th event goes to round i's prefix, 200/s),
 * and the condition becomes true the instant the 301st of them is sent. The
 * webhook receiver verifies each notification (Standard Webhooks) and notes
 * its arrival. The resolution is timed too: the burst leaves the window's
 * per-minute counts at a known instant (see conditionFalseAt). Rounds start
 * at random phases of the evaluation interval, a few seconds apart; their
 * rules are distinct, so they overlap without interfering.
 *
 * The evaluation CPU is tmon's CPU per second while idle with every rule (a
 * minute of rounds, after the first), less its CPU per second while idle
 * without any.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAlertRules } from '../src/alerts/alert-rules.js';
import { createAlertChannels, isChannelRefusal } from '../src/alerts/delivery/alert-channels.js';
import { isRuleRefusal, type RuleKind } from '../src/alerts/rules.js';
import { sealV2 } from '../src/collect/v2-gcm.js';
import { loadConfig } from '../src/config.js';
import { senderEvent } from '../src/loadgen/traffic.js';
import { openStore } from '../src/store/open-store.js';
import { parseOptions } from './support/args.js';
import { makeScenario, type Scenario } from './support/bodies.js';
import { sendPaced } from './support/paced-sender.js';
import { type Summary, summarize } from './support/percentiles.js';
import { processCpuSeconds } from './support/proc-cpu.js';
import type { ServerProcess } from './support/processes.js';
import { describeMachine, fixed, int, printTargets, type Target, table } from './support/report.js';
import { commandAsTyped, RECORD_OPTION, recordResults } from './support/results-file.js';
import { addAdmin, addService, type BenchService, describeStorage, startTmon } from './support/tmon.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const options = parseOptions('npm run bench:alert-latency --', {
  rounds: { kind: 'number', default: 20, help: 'rounds: condition true → fired webhook, condition false → resolved' },
  interval: { kind: 'number', default: 10, help: 'TMON_ALERT_INTERVAL_SECONDS of the tmon under test' },
  rate: { kind: 'number', default: 5_000, help: 'events per second sent all along, one event per request' },
  connections: { kind: 'number', default: 32, help: 'keep-alive connections of the sender' },
  'other-rules': { kind: 'number', default: 1_000, help: 'rules on 100 other services, evaluated every round too' },
  record: RECORD_OPTION,
});

/** the round rules: spike above this many requests in WINDOW_SECONDS */
const THRESHOLD = 300;
const WINDOW_SECONDS = 60;
/** requests per second to a round's prefix while its burst lasts */
const TRIGGER_RATE = 200;
/**
 * A burst lasts 1.7 to 3 s (340 to 600 requests): its resolution instant then
 * falls 30 to 53 s into the minute after next (conditionFalseAt), at every
 * phase of the evaluation interval, as the bursts' starts do.
 */
const BURST_MS = { min: 1_700, max: 3_000 };
const WARMUP_MS = 3_000;
const MINUTE_MS = 60_000;
const OTHER_SERVICES = 100;
const OTHER_KINDS: readonly RuleKind[] = ['spike', 'error_share', 'p95', 'baseline'];

const log = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const intervalMs = options.interval * 1000;
const targetMs = intervalMs + 2_000;
/** idle without rules: what tmon costs doing nothing */
const quietMs = 10_000;
/**
 * idle with every rule: one minute, because a rule whose state does not move
 * is still written once a minute (the evaluator's refresh), so a minute of
 * rounds holds that write once for every rule, as any minute does
 */
const withRulesMs = 60_000;

interface Round {
  ruleId: number;
  prefix: string;
  /** Date.now() of the burst's start, chosen before the load starts */
  plannedStart: number;
  burstMs: number;
  /** trigger events sent */
  sent: number;
  /** Date.now() when the event that made the count pass THRESHOLD was sent */
  conditionTrueAt: number | null;
  /** Date.now() from which the window holds THRESHOLD requests or fewer again */
  conditionFalseAt: number | null;
}

/**
 * Burst starts: a random 0.5 s to interval/2 after the previous burst ended
 * (so that they fall at every phase of the evaluation interval), each moved
 * to the next minute when it would straddle one: a burst in one minute's
 * counts has a resolution instant one formula gives.
 */
function planRounds(firstAt: number, ruleIds: readonly number[], prefixes: readonly string[]): Round[] {
  const rounds: Round[] = [];
  let at = firstAt;
  for (let i = 0; i < ruleIds.length; i++) {
    at += 500 + Math.random() * (intervalMs / 2);
    const burstMs = BURST_MS.min + Math.random() * (BURST_MS.max - BURST_MS.min);
    const intoMinute = at % MINUTE_MS;
    if (intoMinute < 300 || intoMinute + burstMs > MINUTE_MS - 1_000) at += MINUTE_MS - intoMinute + 300;
    rounds.push({
      ruleId: ruleIds[i] as number,
      prefix: prefixes[i] as string,
      plannedStart: at,
      burstMs,
      sent: 0,
      conditionTrueAt: null,
      conditionFalseAt: null,
    });
    at += burstMs;
  }
  return rounds;
}

/**
 * When a burst of `sent` requests, all within the minute starting at `minute`,
 * no longer counts above THRESHOLD: a 60 s window counts the minute holding
 * its start by the share of that minute inside it, so from minute + 60 s on
 * the burst counts sent × (minute + 120 s − now) / 60 s.
 */
function conditionFalseAt(minute: number, sent: number): number {
  return minute + 2 * MINUTE_MS - (MINUTE_MS * THRESHOLD) / sent;
}

/** v2 bodies of senderEvent(n), with the URL of the round under way for every k-th event. */
function mixedScenario(service: BenchService, state: { round: Round | null }, every: number): Scenario {
  const base = makeScenario('v2', service);
  return {
    ...base,
    body(n) {
      const round = state.round;
      if (round === null || n % every !== 0) return base.body(n);
      round.sent++;
      if (round.sent === THRESHOLD + 1) round.conditionTrueAt = Date.now();
      const event = { ...senderEvent(n, `v2-${n}`), url: `${round.prefix}page` };
      const plaintext = `{"sent_at":${Date.now()},"events":[${JSON.stringify(event)}]}`;
      return JSON.stringify(sealV2(plaintext, { wsid: service.id, secret: service.secret }));
    },
  };
}

async function idleCpu(tmon: ServerProcess, ms: number): Promise<number> {
  const before = processCpuSeconds(tmon.pid);
  await sleep(ms);
  return processCpuSeconds(tmon.pid) - before;
}

async function main(): Promise<void> {
  log('tmon alert latency benchmark: condition true → webhook received, on 127.0.0.1');
  log(describeMachine('tmon, the sender and the webhook receiver'));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-bench-alert-latency-'));
  let tmon: ServerProcess | null = null;
  let receiver: WebhookReceiver | null = null;
  try {
    await addAdmin(dataDir, 'admin', `bench-${Math.random().toString(36).slice(2)}`);
    const service = await addService(dataDir, 'shop');
    const config = loadConfig({ data: dataDir }, { TMON_LOG_LEVEL: 'silent' }, process.cwd());

    // the channel first: its secret is the receiver's
    let store = await openStore(config);
    const channels = createAlertChannels({
      store: store.alertChannels,
      services: store.accounts,
      clock: Date.now,
      wake: () => undefined,
      publicUrl: null,
    });
    const placeholder = await channels.create(service.id, {
      name: 'bench receiver',
      kind: 'webhook',
      target: 'http://127.0.0.1:9/hook',
    });
    if (isChannelRefusal(placeholder)) throw new Error(`channel refused: ${placeholder.message}`);
    receiver = await startWebhookReceiver(placeholder.secret as string);
    const updated = await channels.update(service.id, placeholder.id, { target: receiver.url });
    if (isChannelRefusal(updated)) throw new Error(`channel refused: ${updated.message}`);
    await store.close();

    tmon = await startTmon({
      dataDir,
      env: { TMON_ALERT_INTERVAL_SECONDS: String(options.interval), TMON_ALERT_PRIVATE_TARGETS: '1' },
    });
    log(
      `tmon pid ${tmon.pid} port ${tmon.port}, ${describeStorage(tmon)}; ` +
        `TMON_ALERT_INTERVAL_SECONDS=${options.interval}, TMON_ALERT_PRIVATE_TARGETS=1`,
    );

    log(`idle without rules for ${quietMs / 1000} s…`);
    const cpuWithout = await idleCpu(tmon, quietMs);

    store = await openStore(config);
    const rules = createAlertRules({ store: store.alertRules, clock: Date.now });
    const admin = await store.accounts.findUserByName('admin');
    if (admin === null) throw new Error('no admin user');
    const prefixes = Array.from({ length: options.rounds }, (_, i) => `/alert-bench/r${i + 1}/`);
    const ruleIds: number[] = [];
    for (const [i, urlPrefix] of prefixes.entries()) {
      const rule = await rules.add(service.id, {
        name: `latency round ${i + 1}`,
        kind: 'spike',
        windowSeconds: WINDOW_SECONDS,
        threshold: THRESHOLD,
        urlPrefix,
      });
      if (isRuleRefusal(rule)) throw new Error(`rule refused: ${rule.message}`);
      ruleIds.push(rule.id);
    }
    for (let s = 0; s < OTHER_SERVICES; s++) {
      const other = await store.accounts.createService({
        name: `other-${s}`,
        ownerId: admin.id,
        secret: 'b'.repeat(32),
        now: Date.now(),
      });
      for (let r = s; r < options['other-rules']; r += OTHER_SERVICES) {
        const kind = OTHER_KINDS[r % OTHER_KINDS.length] as RuleKind;
        const rule = await rules.add(other.id, {
          name: `other rule ${r}`,
          kind,
          windowSeconds: 300,
          threshold: kind === 'p95' ? 800 : kind === 'error_share' ? 5 : kind === 'baseline' ? 3 : 5_000,
          minRequests: 20,
          urlPrefix: r % 3 === 0 ? '/api/' : null,
        });
        if (isRuleRefusal(rule)) throw new Error(`rule refused: ${rule.message}`);
      }
    }
    await store.close();
    const ruleCount = options.rounds + options['other-rules'];

    // the first round with the new rules writes each one's first state and starts counting the prefixes: not counted
    log(`the first round with ${int(ruleCount)} rules, then idle with them for ${withRulesMs / 1000} s…`);
    const firstRoundCpu = await idleCpu(tmon, intervalMs + 2_000);
    const cpuWith = await idleCpu(tmon, withRulesMs);
    // both as CPU seconds per second of idling
    const quietRate = cpuWithout / (quietMs / 1000);
    const withRulesRate = cpuWith / (withRulesMs / 1000);
    const evaluationRate = Math.max(0, withRulesRate - quietRate);
    const evaluationCpuMs = 1000 * evaluationRate * options.interval;
    const evaluationShare = 100 * evaluationRate;

    const every = Math.max(1, Math.round(options.rate / TRIGGER_RATE));
    const state: { round: Round | null } = { round: null };
    const startWall = Date.now();
    const start = performance.now();
    const rounds = planRounds(startWall + WARMUP_MS, ruleIds, prefixes);
    const lastStart = rounds.at(-1)?.plannedStart ?? startWall;
    // the last resolution comes at most 2 min − 30 s after the minute of its burst began (BURST_MS), then an interval and delivery
    const endWall =
      lastStart + 2 * MINUTE_MS - (MINUTE_MS * THRESHOLD) / ((BURST_MS.max * TRIGGER_RATE) / 1000) + targetMs + 2_000;
    log(
      `sending ${int(options.rate)} events/s for ${fixed((endWall - startWall) / 1000, 0)} s: ` +
        `${rounds.length} rounds, each ${BURST_MS.min / 1000} to ${BURST_MS.max / 1000} s of every ${every}th event to its prefix`,
    );
    const cpuBefore = processCpuSeconds(tmon.pid);
    const sending = sendPaced({
      port: tmon.port,
      scenario: mixedScenario(service, state, every),
      rate: options.rate,
      connections: options.connections,
      start,
      measureFrom: start + WARMUP_MS,
      end: start + (endWall - startWall),
      firstRequest: 0,
      onSent: () => undefined,
    });
    for (const round of rounds) {
      await sleep(round.plannedStart - Date.now());
      const minute = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
      state.round = round;
      await sleep(round.burstMs);
      state.round = null;
      if (round.sent > THRESHOLD) round.conditionFalseAt = conditionFalseAt(minute, round.sent);
    }
    const sent = await sending;
    const loadSeconds = (endWall - startWall) / 1000;
    const tmonCpu = processCpuSeconds(tmon.pid) - cpuBefore;

    const fired: number[] = [];
    const resolved: number[] = [];
    let missing = 0;
    let duplicates = 0;
    for (const round of rounds) {
      const of = (type: string) => receiver!.received.filter((n) => n.ruleId === round.ruleId && n.type === type);
      const firedNotes = of('alert.fired');
      const resolvedNotes = of('alert.resolved');
      duplicates += Math.max(0, firedNotes.length - 1) + Math.max(0, resolvedNotes.length - 1);
      if (round.conditionTrueAt !== null && firedNotes[0]) fired.push(firedNotes[0].at - round.conditionTrueAt);
      else missing++;
      if (round.conditionFalseAt !== null && resolvedNotes[0])
        resolved.push(resolvedNotes[0].at - round.conditionFalseAt);
      else missing++;
    }
    const firedSummary = summarize(fired);
    const resolvedSummary = summarize(resolved);

    // the rate reached: the sender falls behind rather than queue without bound when tmon answers slower
    const reached = sent.sent / loadSeconds;
    const setup =
      `${int(options.rate)} events/s asked, ${int(reached)} sent over ${fixed(loadSeconds, 0)} s, ` +
      `${options.connections} keep-alive connections; TMON_ALERT_INTERVAL_SECONDS=${options.interval}; ` +
      `${rounds.length} rounds, each a spike rule on its own URL prefix (> ${THRESHOLD} requests in ${WINDOW_SECONDS} s) ` +
      `made true by ${BURST_MS.min / 1000} to ${BURST_MS.max / 1000} s of ${TRIGGER_RATE} requests/s to it; ` +
      `${int(ruleCount)} rules in all (${int(options['other-rules'])} on ${OTHER_SERVICES} other services)`;
    const row = (name: string, s: Summary) => [
      name,
      int(s.count),
      fixed(s.p50 / 1000, 2),
      fixed(s.p95 / 1000, 2),
      fixed(s.p99 / 1000, 2),
      fixed(s.max / 1000, 2),
    ];
    const latencies = table([
      ['seconds from', 'rounds', 'p50', 'p95', 'p99', 'max'],
      row('condition true → fired webhook received', firedSummary),
      row('condition false → resolved webhook received', resolvedSummary),
    ]);
    const cost = table([
      ['CPU', 'seconds', 'share of a core'],
      [`tmon idle ${quietMs / 1000} s without rules`, fixed(cpuWithout, 2), `${fixed(100 * quietRate, 2)} %`],
      [
        `tmon idle ${fixed((intervalMs + 2_000) / 1000, 0)} s: the first round with ${int(ruleCount)} rules (not counted)`,
        fixed(firstRoundCpu, 2),
        '-',
      ],
      [
        `tmon idle ${withRulesMs / 1000} s with ${int(ruleCount)} rules`,
        fixed(cpuWith, 2),
        `${fixed(100 * withRulesRate, 2)} %`,
      ],
      [`evaluation (the difference): ${fixed(evaluationCpuMs, 0)} ms per round`, '-', `${fixed(evaluationShare, 2)} %`],
      [
        `tmon under load, ${fixed(loadSeconds, 0)} s`,
        fixed(tmonCpu, 1),
        `${fixed((100 * tmonCpu) / loadSeconds, 0)} %`,
      ],
    ]);
    log();
    log(setup);
    log(
      `sender: ${int(sent.sent)} events, ${int(sent.ok)} answered 200, ${int(sent.refused)} refused, ${int(sent.errors)} errors` +
        (sent.behindTicks > 0
          ? `; ${sent.behindTicks} send ticks waited at the bound of ${sent.maxInFlight} requests in flight`
          : '') +
        (sent.firstRefusal ? ` (first: ${sent.firstRefusal})` : ''),
    );
    log(
      `receiver: ${int(receiver.received.length)} notifications verified, ${int(receiver.refused)} refused; ` +
        `${missing} expected ones missing, ${duplicates} repeated`,
    );
    log(latencies);
    log(cost);
    const targets: Target[] = [
      {
        name: `condition true → webhook p99 ≤ interval + 2 s (${fixed(targetMs / 1000, 0)} s) at ${int(options.rate)} events/s`,
        met: firedSummary.count === rounds.length && firedSummary.p99 <= targetMs && reached >= 0.98 * options.rate,
        detail:
          `p99 ${fixed(firedSummary.p99 / 1000, 2)} s over ${firedSummary.count} of ${rounds.length} rounds, ` +
          `${int(reached)} events/s sent`,
      },
      {
        name: 'every transition notified once: one fired and one resolved webhook per round',
        met: missing === 0 && duplicates === 0 && sent.refused === 0 && sent.errors === 0,
        detail: `${missing} missing, ${duplicates} repeated, ${int(sent.refused + sent.errors)} events not answered 200`,
      },
    ];
    printTargets(targets);
    if (options.record) {
      await recordResults({
        benchmark: 'bench:alert-latency',
        command: commandAsTyped('bench:alert-latency', 'bench/alert-latency.ts'),
        figures: [setup, latencies, cost],
        targets,
      });
      log('figures recorded in bench/RESULTS.md');
    }
  } finally {
    await receiver?.close();
    const exitCode = await tmon?.stop();
    if (exitCode !== undefined && exitCode !== 0) log(`tmon exited with ${exitCode}: ${tmon?.stderr()}`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:alert-latency failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
