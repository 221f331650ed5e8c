/**
 * The form that creates or edits an alert rule: the kind first, then only
 * the settings that kind uses, each with a line of plain-words help. The
 * server checks everything again and its refusal is shown as it words it.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { AlertRule, RuleInput, RuleKind } from '../../shared/alert-types';
import { KIND_WORDING, RULE_KIND_ORDER } from '../../shared/alert-wording';
import { alertsApi } from '../../shared/alerts-api';
import { useAction } from '../../shared/use-action';

interface Props {
  serviceId: number;
  /** the rule being edited; none: a new one */
  rule?: AlertRule;
  onSaved(rule: AlertRule): void;
  onCancel?(): void;
}

interface Fields {
  name: string;
  kind: RuleKind;
  windowMinutes: string;
  threshold: string;
  minRequests: string;
  errorsFrom: '500' | '400';
  urlPrefix: string;
  forSeconds: string;
  repeatMinutes: string;
}

function fieldsOf(rule: AlertRule | undefined): Fields {
  if (rule === undefined) {
    return {
      name: '',
      kind: 'spike',
      windowMinutes: '5',
      threshold: String(KIND_WORDING.spike.defaultThreshold),
      minRequests: '20',
      errorsFrom: '500',
      urlPrefix: '',
      forSeconds: '0',
      repeatMinutes: '',
    };
  }
  return {
    name: rule.name,
    kind: rule.kind,
    windowMinutes: String(rule.window_seconds / 60),
    threshold: String(rule.threshold),
    minRequests: String(rule.min_requests),
    errorsFrom: rule.errors_from === 400 ? '400' : '500',
    urlPrefix: rule.url_prefix ?? '',
    forSeconds: String(rule.for_seconds),
    repeatMinutes: rule.repeat_minutes === null ? '' : String(rule.repeat_minutes),
  };
}

/** the form's text as the API's input; numbers the server judges (a blank one is sent as NaN → refused by name) */
function inputOf(f: Fields, mutedUntil: number | null): RuleInput {
  const wording = KIND_WORDING[f.kind];
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  return {
    name: f.name.trim(),
    kind: f.kind,
    window_seconds: Math.round(number(f.windowMinutes) * 60),
    threshold: number(f.threshold),
    min_requests: wording.usesMinRequests ? number(f.minRequests) : 0,
    errors_from: wording.usesErrorsFrom && f.errorsFrom === '400' ? 400 : 500,
    url_prefix: f.urlPrefix.trim() === '' ? null : f.urlPrefix.trim(),
    for_seconds: number(f.forSeconds),
    repeat_minutes: f.repeatMinutes.trim() === '' ? null : number(f.repeatMinutes),
    muted_until: mutedUntil,
  };
}

export function RuleForm({ serviceId, rule, onSaved, onCancel }: Props) {
  const [f, setFields] = useState<Fields>(() => fieldsOf(rule));
  const action = useAction();
  const set = (change: Partial<Fields>) => setFields((current) => ({ ...current, ...change }));
  const wording = KIND_WORDING[f.kind];
  const formId = rule === undefined ? `new-rule-${serviceId}` : `rule-${rule.id}`;

  const chooseKind = (kind: RuleKind) => {
    // a threshold means something else in each kind: start from the new kind's usual one
    set({ kind, threshold: String(KIND_WORDING[kind].defaultThreshold) });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const input = inputOf(f, rule?.muted_until ?? null);
    const saved = await action.run(() =>
      rule === undefined ? alertsApi.createRule(serviceId, input) : alertsApi.updateRule(serviceId, rule.id, input),
    );
    if (saved) {
      if (rule === undefined) setFields(fieldsOf(undefined));
      onSaved(saved);
    }
  };

  return (
    <form
      class="rule-form"
      onSubmit={submit}
      aria-label={rule === undefined ? 'Add an alert rule' : `Edit alert rule ${rule.name}`}
    >
      <div class="inline-form">
        <label>
          Rule name
          <input
            value={f.name}
            onInput={(e) => set({ name: e.currentTarget.value })}
            placeholder="e.g. traffic spike"
            autocomplete="off"
            maxLength={100}
            required
          />
        </label>
        <label>
          Kind
          <select value={f.kind} onChange={(e) => chooseKind(e.currentTarget.value as RuleKind)}>
            {RULE_KIND_ORDER.map((k) => (
              <option key={k} value={k}>
                {KIND_WORDING[k].label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p class="muted small">{wording.help}</p>
      <div class="inline-form">
        <Field
          id={`${formId}-window`}
          label="Window (minutes)"
          help="How far back each check counts, from 1 minute to 24 hours."
        >
          <input
            id={`${formId}-window`}
            aria-describedby={`${formId}-window-help`}
            type="number"
            min={1}
            max={1440}
            step="any"
            value={f.windowMinutes}
            onInput={(e) => set({ windowMinutes: e.currentTarget.value })}
            required
          />
        </Field>
        <Field id={`${formId}-threshold`} label={wording.thresholdLabel} help={wording.thresholdHelp}>
          <input
            id={`${formId}-threshold`}
            aria-describedby={`${formId}-threshold-help`}
            type="number"
            min={0}
            step="any"
            value={f.threshold}
            onInput={(e) => set({ threshold: e.currentTarget.value })}
            required
          />
        </Field>
        {wording.usesMinRequests && (
          <Field
            id={`${formId}-min-requests`}
            label="At least (requests)"
            help="With fewer requests in the window, the rule stays quiet."
          >
            <input
              id={`${formId}-min-requests`}
              aria-describedby={`${formId}-min-requests-help`}
              type="number"
              min={0}
              step={1}
              value={f.minRequests}
              onInput={(e) => set({ minRequests: e.currentTarget.value })}
            />
          </Field>
        )}
        {wording.usesErrorsFrom && (
          <Field id={`${formId}-errors-from`} label="Errors are" help="Which answers count as failed.">
            <select
              id={`${formId}-errors-from`}
              aria-describedby={`${formId}-errors-from-help`}
              value={f.errorsFrom}
              onChange={(e) => set({ errorsFrom: e.currentTarget.value as Fields['errorsFrom'] })}
            >
              <option value="500">5xx answers</option>
              <option value="400">4xx and 5xx answers</option>
            </select>
          </Field>
        )}
        <Field
          id={`${formId}-url-prefix`}
          label="URL prefix"
          help="Only requests whose URL starts with it, such as /api. Empty: all."
        >
          <input
            id={`${formId}-url-prefix`}
            aria-describedby={`${formId}-url-prefix-help`}
            value={f.urlPrefix}
            onInput={(e) => set({ urlPrefix: e.currentTarget.value })}
            placeholder="/api"
            autocomplete="off"
          />
        </Field>
        <Field
          id={`${formId}-for`}
          label="For (seconds)"
          help="Fires once the condition has held this long, resolves once it has stopped as long."
        >
          <input
            id={`${formId}-for`}
            aria-describedby={`${formId}-for-help`}
            type="number"
            min={0}
            max={86400}
            step={1}
            value={f.forSeconds}
            onInput={(e) => set({ forSeconds: e.currentTarget.value })}
          />
        </Field>
        <Field
          id={`${formId}-repeat`}
          label="Remind every (minutes)"
          help="While it keeps firing, notify again this often. Empty: once."
        >
          <input
            id={`${formId}-repeat`}
            aria-describedby={`${formId}-repeat-help`}
            type="number"
            min={5}
            max={10080}
            step={1}
            value={f.repeatMinutes}
            onInput={(e) => set({ repeatMinutes: e.currentTarget.value })}
            placeholder="once"
          />
        </Field>
      </div>
      <div class="details-actions">
        <button type="submit" class="primary" disabled={action.busy || f.name.trim() === ''}>
          {action.busy ? 'Saving…' : rule === undefined ? 'Add rule' : 'Save rule'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel} disabled={action.busy}>
            Cancel
          </button>
        )}
      </div>
      {action.error && (
        <p class="error-text" role="alert">
          {action.error}
        </p>
      )}
    </form>
  );
}

function Field({
  id,
  label,
  help,
  children,
}: {
  id: string;
  label: string;
  help: string;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label htmlFor={id}>{label}</label>
      {children}
      <span class="field-help muted" id={`${id}-help`}>
        {help}
      </span>
    </div>
  );
}
