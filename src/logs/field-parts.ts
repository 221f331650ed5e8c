/**
 * The kinds of part a log format is made of: how each one's text is turned
 * into the draft's fields. The tables that name nginx variables and Apache
 * directives (format-table.ts) are built from these.
 */
import type { LineDraft } from './line-draft.js';
import { orNull, quote } from './line-draft.js';
import { type LogRefusal, refuseLine } from './log-record.js';

/** Undoes the server's escaping of a text field (or leaves it, for nginx `escape=none`). */
export type Decode = (value: string) => string;

/** Which record field a part fills; a second part for the same target is kept in extra under its name. */
export type Target =
  | 'ip'
  | 'forwardedFor'
  | 'time'
  | 'request'
  | 'method'
  | 'requestUri'
  | 'path'
  | 'query'
  | 'status'
  | 'bytes'
  | 'duration'
  | 'referrer'
  | 'useragent'
  | 'username'
  | 'vhost'
  | 'ignored'
  | 'extra';

export interface FieldPart {
  target: Target;
  /** the name it has in extra when it does not fill a record field */
  name: string;
  /** its text may hold spaces (a time with its zone, a request line) */
  spaced?: boolean;
  /** its text never holds a space (a number, an address): at the end of a line, trailing text is then no match */
  word?: boolean;
  /** what its text looks like, where that is surer than "up to the next delimiter" (Apache's `[%t]`) */
  pattern?: string;
  apply(value: string, draft: LineDraft, decode: Decode): LogRefusal | null;
}

export function textPart(target: 'referrer' | 'useragent' | 'username', name: string): FieldPart {
  return {
    target,
    name,
    apply(value, draft, decode) {
      const text = value === '-' ? null : decode(value);
      if (target === 'useragent') draft.useragent = text ?? '';
      else if (target === 'referrer') draft.referrer = orNull(text ?? '');
      else draft.username = orNull(text ?? '');
      return null;
    },
  };
}

export function addressPart(target: 'ip' | 'forwardedFor', name: string): FieldPart {
  return {
    target,
    name,
    word: true,
    apply(value, draft) {
      if (target === 'ip') draft.remoteAddress = value;
      else draft.forwardedFor = orNull(value);
      return null;
    },
  };
}

export function timePart(name: string, read: (text: string) => number, spaced = false, pattern?: string): FieldPart {
  return {
    target: 'time',
    name,
    spaced,
    word: !spaced,
    pattern,
    apply(value, draft) {
      const ms = read(value);
      if (Number.isNaN(ms)) return refuseLine('bad_time', `${quote(value)} is not a time (${name})`);
      draft.ts = ms;
      return null;
    },
  };
}

export function requestPart(target: 'request' | 'method' | 'requestUri' | 'path' | 'query', name: string): FieldPart {
  return {
    target,
    name,
    spaced: target === 'request',
    apply(value, draft, decode) {
      const text = decode(value);
      if (target === 'request') draft.requestLine = text;
      else if (target === 'method') draft.method = orNull(text);
      else if (target === 'requestUri') draft.requestUri = orNull(text);
      else if (target === 'path') draft.path = orNull(text);
      else draft.query = orNull(text);
      return null;
    },
  };
}

export function statusPart(name: string): FieldPart {
  return {
    target: 'status',
    name,
    word: true,
    apply(value, draft) {
      const status = value.length === 3 ? Number(value) : Number.NaN;
      if (!(status >= 100 && status <= 599) || !Number.isInteger(status)) {
        return refuseLine('bad_status', `${quote(value)} is not an HTTP status`);
      }
      draft.status = status;
      return null;
    },
  };
}

/** A byte count; `-` is Apache's way of writing 0 (`%b`). */
export function bytesPart(name: string, extraName = 'bytes'): FieldPart {
  return {
    target: extraName === 'bytes' ? 'bytes' : 'extra',
    name: extraName,
    word: true,
    apply(value, draft) {
      const bytes = value === '-' ? 0 : wholeNumber(value);
      if (Number.isNaN(bytes)) return refuseLine('bad_number', `${quote(value)} is not a byte count (${name})`);
      draft.extra[extraName] = bytes;
      return null;
    },
  };
}

/** A duration in `unit` seconds (1 for `$request_time`, 1e-6 for `%D`) → duration_ms. */
export function durationPart(name: string, msPerUnit: number, decimals: boolean): FieldPart {
  return {
    target: 'duration',
    name,
    word: true,
    apply(value, draft) {
      if (value === '-') return null;
      const amount = decimals ? decimalNumber(value) : wholeNumber(value);
      if (Number.isNaN(amount)) return refuseLine('bad_number', `${quote(value)} is not a duration (${name})`);
      // Rounded to the µs: 0.123 s is 123 ms, not 122.99999999999999.
      draft.durationMs = Math.round(amount * msPerUnit * 1000) / 1000;
      return null;
    },
  };
}

/** nginx `$upstream_response_time`: one time per upstream tried (`0.012, 0.004 : 0.100`), summed into extra. */
export function upstreamTimePart(name: string): FieldPart {
  return {
    target: 'extra',
    name,
    spaced: true,
    apply(value, draft) {
      if (value === '-') return null;
      let total = 0;
      for (const piece of value.split(/\s*[,:]\s*/)) {
        const seconds = decimalNumber(piece);
        if (Number.isNaN(seconds)) {
          if (piece === '-') continue;
          return refuseLine('bad_number', `${quote(value)} is not a list of durations (${name})`);
        }
        total += seconds;
      }
      draft.extra[`${name}_ms`] = Math.round(total * 1e6) / 1000;
      return null;
    },
  };
}

export function vhostPart(name: string): FieldPart {
  return {
    target: 'vhost',
    name,
    apply(value, draft, decode) {
      if (value !== '-' && value !== '') draft.extra.vhost = decode(value);
      return null;
    },
  };
}

/** Any other named field: kept in extra as text (a number when the format says it is one). */
export function extraPart(name: string, numeric = false): FieldPart {
  return {
    target: 'extra',
    name,
    apply(value, draft, decode) {
      if (value === '-' || value === '') return null;
      const number = numeric ? decimalNumber(value) : Number.NaN;
      draft.extra[name] = Number.isNaN(number) ? decode(value) : number;
      return null;
    },
  };
}

/** A part matched and dropped: Apache's `%l` (identd, always `-` in practice). */
export function ignoredPart(name: string): FieldPart {
  return { target: 'ignored', name, apply: () => null };
}

function wholeNumber(text: string): number {
  return /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
}

function decimalNumber(text: string): number {
  return /^\d{1,15}(?:\.\d{1,9})?$/.test(text) ? Number(text) : Number.NaN;
}
