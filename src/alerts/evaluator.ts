/**
 * The evaluation loop every process runs: every TMON_ALERT_INTERVAL_SECONDS
 * it loads every rule, reads what they need from rollups (one alertCounts
 * call for all of them), evaluates each (evaluate.ts) and writes what
 * changed. Each process does the same work; the store's compare-and-set on
 * the rule's version (alert-rule-store.ts) lets exactly one of them write a
 * transition and its deliveries, so one transition is one notification
 * however many processes run. State lives in the database: a restart picks
 * up a firing rule where it was, sends no second "fired" and still resolves.
 * It also tells the store which URL prefixes the rules watch, so the
 * rollups count them.
 */
import type { Clock } from '../clock.js';
import type { AlertRuleStore, RuleToEvaluate } from '../store/alert-rule-store.js';
import type { EventStore } from '../store/event-store.js';
import { generateMessageId } from './delivery/standard-webhooks.js';
import { evaluateRule } from './evaluate.js';
import { buildNotification } from './notification.js';
import { readingOf, ruleQueries } from './readings.js';
import type { RuleEvaluationState } from './rules.js';
import { transitionMessage } from './transition-message.js';

export interface AlertEvaluatorDeps {
  rules: Pick<AlertRuleStore, 'rulesToEvaluate' | 'saveEvaluation'>;
  events: Pick<EventStore, 'alertCounts' | 'watchUrlPrefixes'>;
  clock: Clock;
  /** where tmon is reached from outside, for dashboard links; null when unknown */
  publicUrl: string | null;
  /** a delivery's webhook-id; random unless a test gives its own */
  newMessageId?: () => string;
  /** deliveries were queued: wake the worker that sends them */
  onDeliveries?: () => void;
  /** runs `run` after `ms` and answers a cancel (setTimeout, unref'd, unless a test gives its own) */
  schedule?: (run: () => void, ms: number) => () => void;
  log: { error(message: string, error?: unknown): void };
}

export interface RoundSummary {
  rules: number;
  transitions: number;
  deliveries: number;
  /** evaluations another process wrote first (its compare-and-set won) */
  lost: number;
}

function timerSchedule(run: () => void, ms: number): () => void {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

export class AlertEvaluator {
  #cancel: (() => void) | null = null;
  #round: Promise<RoundSummary> | null = null;
  #stopped = false;
  /** the prefixes last given to the store, as JSON (none at first) */
  #watched = '[]';

  constructor(private readonly deps: AlertEvaluatorDeps) {}

  /** Evaluates now, then every `intervalMs`. */
  start(intervalMs: number): void {
    const schedule = this.deps.schedule ?? timerSchedule;
    const tick = () => {
      if (this.#stopped) return;
      this.evaluateNow()
        .catch((error: unknown) => this.deps.log.error('alert evaluation failed (will retry)', error))
        .finally(() => {
          if (!this.#stopped) this.#cancel = schedule(tick, intervalMs);
        });
    };
    tick();
  }

  /** No more rounds; waits for one in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = null;
    await this.#round?.catch(() => undefined);
  }

  /** One round (a round already running is waited for instead of run twice at once). */
  evaluateNow(): Promise<RoundSummary> {
    if (this.#round === null) {
      this.#round = this.#evaluate().finally(() => {
        this.#round = null;
      });
    }
    return this.#round;
  }

  async #evaluate(): Promise<RoundSummary> {
    const { rules: store, events, clock } = this.deps;
    const rules = await store.rulesToEvaluate();
    await this.#watchPrefixes(rules);
    if (rules.length === 0) return { rules: 0, transitions: 0, deliveries: 0, lost: 0 };
    const now = clock();
    const queries = rules.map((rule) => ruleQueries(rule, now));
    const answers = await events.alertCounts(queries.flat(), now);
    const summary: RoundSummary = { rules: rules.length, transitions: 0, deliveries: 0, lost: 0 };
    let offset = 0;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as RuleToEvaluate;
      const count = (queries[i] as unknown[]).length;
      const reading = readingOf(rule, answers.slice(offset, offset + count), now);
      offset += count;
      const result = evaluateRule(rule, reading, now);
      if (result.transition === null && !worthWriting(rule, result.next, now)) continue;
      const message =
        result.transition === null ? '' : transitionMessage(rule.serviceName, rule, result.transition.kind, reading);
      const payload =
        result.transition === null
          ? null
          : JSON.stringify(
              buildNotification({
                kind: result.transition.kind,
                at: now,
                service: { id: rule.serviceId, name: rule.serviceName },
                rule,
                value: reading.value,
                message,
                publicUrl: this.deps.publicUrl,
              }),
            );
      const outcome = await store.saveEvaluation({
        ruleId: rule.id,
        expectedVersion: rule.version,
        next: result.next,
        transition: result.transition === null ? null : { ...result.transition, message },
        deliveries:
          payload === null || result.muted ? null : { payload, messageId: this.deps.newMessageId ?? generateMessageId },
      });
      if (!outcome.saved) {
        summary.lost++;
        continue;
      }
      if (outcome.transitionId !== null) summary.transitions++;
      summary.deliveries += outcome.deliveries;
    }
    if (summary.deliveries > 0) this.deps.onDeliveries?.();
    return summary;
  }

  /** Tells the store the prefixes to count when they changed (rules added, edited or removed). */
  async #watchPrefixes(rules: readonly RuleToEvaluate[]): Promise<void> {
    const byService = new Map<number, string[]>();
    for (const rule of rules) {
      if (rule.urlPrefix === null) continue;
      const prefixes = byService.get(rule.serviceId) ?? [];
      if (!prefixes.includes(rule.urlPrefix)) prefixes.push(rule.urlPrefix);
      byService.set(rule.serviceId, prefixes);
    }
    const entries = [...byService];
    const key = JSON.stringify(entries);
    if (key === this.#watched) return;
    await this.deps.events.watchUrlPrefixes(entries);
    this.#watched = key;
  }
}

/** A rule whose state did not move is still written this often, so its last value and evaluation time stay fresh. */
const REFRESH_MS = 60_000;

/**
 * Whether the evaluation is worth a write: a move of state, condition or
 * notification, a firing rule's new value, or a stale last evaluation.
 * Otherwise 1,000 quiet rules would be 1,000 writes every round.
 */
function worthWriting(rule: RuleToEvaluate, next: Omit<RuleEvaluationState, 'version'>, now: number): boolean {
  return (
    next.state !== rule.state ||
    next.conditionSince !== rule.conditionSince ||
    next.lastNotifiedAt !== rule.lastNotifiedAt ||
    next.stateChangedAt !== rule.stateChangedAt ||
    (next.state === 'firing' && next.lastValue !== rule.lastValue) ||
    rule.lastEvaluatedAt === null ||
    now - rule.lastEvaluatedAt >= REFRESH_MS
  );
}
