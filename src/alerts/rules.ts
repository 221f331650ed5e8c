/**
 * Alert rules: the five kinds, what a rule holds, and the checks a rule's
 * settings pass before anything is stored. Every refusal says which field
 * is wrong and what it may be.
 *
 * - spike: requests in the window above `threshold`;
 * - silence: requests in the window at most `threshold` (0: none at all);
 * - error_share: the share of requests with status ≥ `errorsFrom` (500, or
 *   400) above `threshold` percent, once the window has `minRequests`;
 * - p95: the 95th percentile of duration_ms above `threshold` ms, once the
 *   window has `minRequests` requests with a duration;
 * - baseline: requests in the window above `threshold` × the mean of the
 *   same window on each of the previous 7 days (readings.ts).
 */
import type { ApiErrorCode } from '../errors/catalogue.js';

export type RuleKind = 'spike' | 'silence' | 'error_share' | 'p95' | 'baseline';
export const RULE_KINDS: readonly RuleKind[] = ['spike', 'silence', 'error_share', 'p95', 'baseline'];

export type RuleState = 'ok' | 'firing';

/** What the owner of a rule chooses. */
export interface RuleSettings {
  name: string;
  kind: RuleKind;
  windowSeconds: number;
  threshold: number;
  minRequests: number;
  errorsFrom: 400 | 500;
  urlPrefix: string | null;
  forSeconds: number;
  /** notify again every N minutes while firing; null: once */
  repeatMinutes: number | null;
  /** evaluated, but notifies nothing until then (ms since the epoch) */
  mutedUntil: number | null;
}

/** Where evaluation left a rule; `version` is the compare-and-set every change goes through. */
export interface RuleEvaluationState {
  state: RuleState;
  /** ok: since when the condition holds; firing: since when it no longer holds; else null */
  conditionSince: number | null;
  stateChangedAt: number | null;
  lastValue: number | null;
  lastEvaluatedAt: number | null;
  lastNotifiedAt: number | null;
  version: number;
}

export interface AlertRule extends RuleSettings, RuleEvaluationState {
  id: number;
  serviceId: number;
  createdAt: number;
}

export interface RuleRefusal {
  readonly refused: ApiErrorCode;
  readonly message: string;
}

export const MAX_RULES_PER_SERVICE = 100;
export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 86_400;
export const MAX_FOR_SECONDS = 86_400;
export const MIN_REPEAT_MINUTES = 5;
/** a week: a reminder less often than that is no reminder */
export const MAX_REPEAT_MINUTES = 10_080;
export const MAX_URL_PREFIX_LENGTH = 2_048;
export const MAX_NAME_LENGTH = 100;
const MAX_COUNT = 1_000_000_000;
const MAX_P95_MS = 3_600_000;
const MAX_BASELINE_FACTOR = 1_000;

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Up to this window, spike and silence rules on a whole service count per second (second rows are kept 2 h). */
export const MAX_SECOND_WINDOW_SECONDS = 3_600;

/** Whether the rule reads minute rollups (its window must then be whole minutes) rather than second ones. */
export function readsMinutes(kind: RuleKind, urlPrefix: string | null, windowSeconds: number): boolean {
  const perSecond = (kind === 'spike' || kind === 'silence') && urlPrefix === null;
  return !perSecond || windowSeconds > MAX_SECOND_WINDOW_SECONDS;
}

function refused(message: string): RuleRefusal {
  return { refused: 'bad_request', message };
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Checks a rule's settings, with the defaults of the fields left out, and
 * answers them or the first refusal. `input` comes from a caller (the API,
 * the CLI) as it was sent: every field's type is checked too.
 */
export function validateRuleSettings(input: Record<string, unknown>): RuleSettings | RuleRefusal {
  const { name, kind } = input;
  if (typeof name !== 'string' || name.trim() === '') return refused('name: give the rule a name');
  if (name.length > MAX_NAME_LENGTH) return refused(`name: at most ${MAX_NAME_LENGTH} characters`);
  if (hasControlCharacter(name)) return refused('name: no control characters');
  if (typeof kind !== 'string' || !RULE_KINDS.includes(kind as RuleKind)) {
    return refused(`kind: one of ${RULE_KINDS.join(', ')}`);
  }
  const ruleKind = kind as RuleKind;

  const urlPrefix = input.urlPrefix ?? null;
  if (urlPrefix !== null) {
    if (typeof urlPrefix !== 'string' || !urlPrefix.startsWith('/')) {
      return refused('url_prefix: a path starting with "/", or null for the whole service');
    }
    if (urlPrefix.length > MAX_URL_PREFIX_LENGTH) {
      return refused(`url_prefix: at most ${MAX_URL_PREFIX_LENGTH} characters`);
    }
    // the tab among them: it separates prefix and status in signal rollup keys (rollup/signals.ts)
    if (hasControlCharacter(urlPrefix)) {
      return refused('url_prefix: no control characters');
    }
  }

  const windowSeconds = input.windowSeconds;
  if (!isInteger(windowSeconds, MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS)) {
    return refused(`window_seconds: whole seconds from ${MIN_WINDOW_SECONDS} (1 min) to ${MAX_WINDOW_SECONDS} (24 h)`);
  }
  if (readsMinutes(ruleKind, urlPrefix, windowSeconds) && windowSeconds % 60 !== 0) {
    const which =
      ruleKind === 'spike' || ruleKind === 'silence'
        ? `${ruleKind} rules ${urlPrefix === null ? `over ${MAX_SECOND_WINDOW_SECONDS} s` : 'narrowed to a URL prefix'}`
        : `${ruleKind} rules`;
    return refused(`window_seconds: a multiple of 60 for ${which} (they read per-minute counts)`);
  }

  const threshold = input.threshold;
  const thresholdRefusal = checkThreshold(ruleKind, threshold);
  if (thresholdRefusal) return thresholdRefusal;

  const minRequests = input.minRequests ?? 0;
  if (!isInteger(minRequests, 0, MAX_COUNT)) return refused(`min_requests: a whole number from 0 to ${MAX_COUNT}`);
  const errorsFrom = input.errorsFrom ?? 500;
  if (errorsFrom !== 400 && errorsFrom !== 500) {
    return refused('errors_from: 500 (count 5xx answers as errors) or 400 (4xx and 5xx)');
  }
  const forSeconds = input.forSeconds ?? 0;
  if (!isInteger(forSeconds, 0, MAX_FOR_SECONDS)) {
    return refused(`for_seconds: whole seconds from 0 to ${MAX_FOR_SECONDS} (24 h)`);
  }
  const repeatMinutes = input.repeatMinutes ?? null;
  if (repeatMinutes !== null && !isInteger(repeatMinutes, MIN_REPEAT_MINUTES, MAX_REPEAT_MINUTES)) {
    return refused(
      `repeat_minutes: whole minutes from ${MIN_REPEAT_MINUTES} to ${MAX_REPEAT_MINUTES} (a week), or null to notify once`,
    );
  }
  const mutedUntil = input.mutedUntil ?? null;
  if (mutedUntil !== null && !isInteger(mutedUntil, 0, Number.MAX_SAFE_INTEGER)) {
    return refused('muted_until: a time in ms since the epoch, or null');
  }
  return {
    name,
    kind: ruleKind,
    windowSeconds,
    threshold: threshold as number,
    minRequests,
    errorsFrom,
    urlPrefix,
    forSeconds,
    repeatMinutes,
    mutedUntil,
  };
}

function checkThreshold(kind: RuleKind, threshold: unknown): RuleRefusal | null {
  const finite = typeof threshold === 'number' && Number.isFinite(threshold);
  switch (kind) {
    case 'spike':
    case 'silence':
      return isInteger(threshold, 0, MAX_COUNT)
        ? null
        : refused(`threshold: for ${kind} rules, a whole number of requests from 0 to ${MAX_COUNT}`);
    case 'error_share':
      return finite && threshold >= 0 && threshold < 100
        ? null
        : refused('threshold: for error_share rules, a percentage from 0 up to (not including) 100');
    case 'p95':
      return finite && threshold > 0 && threshold <= MAX_P95_MS
        ? null
        : refused(`threshold: for p95 rules, milliseconds above 0, at most ${MAX_P95_MS} (1 h)`);
    case 'baseline':
      return finite && threshold >= 1 && threshold <= MAX_BASELINE_FACTOR
        ? null
        : refused(`threshold: for baseline rules, a factor from 1 to ${MAX_BASELINE_FACTOR}`);
  }
}

export function isRuleRefusal(value: unknown): value is RuleRefusal {
  return typeof value === 'object' && value !== null && 'refused' in value;
}
