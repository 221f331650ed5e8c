/**
 * Apache's `%{format}t`: `sec`, `msec`, `usec` since the epoch, or a strftime
 * format. A strftime format must carry its time zone (`%z`) or be epoch
 * seconds (`%s`): without one the line's time would depend on the machine
 * that reads the log, not the one that wrote it.
 */
import { LogFormatError } from './log-record.js';
import { monthNumber, parseEpochSeconds, utcFromFields, zoneOffsetMinutes } from './log-time.js';

/** Turns the text of one `%{…}t` field into ms since the epoch (NaN: not such a time). */
export type TimeReader = (text: string) => number;

type Slot = 'year' | 'shortYear' | 'month' | 'monthName' | 'day' | 'hour' | 'minute' | 'second' | 'zone' | 'epoch';

const CONVERSIONS: Readonly<Record<string, { pattern: string; slots: Slot[] }>> = {
  Y: { pattern: '(\\d{4})', slots: ['year'] },
  y: { pattern: '(\\d{2})', slots: ['shortYear'] },
  m: { pattern: '(\\d{2})', slots: ['month'] },
  b: { pattern: '([A-Z][a-z]{2})', slots: ['monthName'] },
  h: { pattern: '([A-Z][a-z]{2})', slots: ['monthName'] },
  d: { pattern: '(\\d{2})', slots: ['day'] },
  e: { pattern: ' ?(\\d{1,2})', slots: ['day'] },
  H: { pattern: '(\\d{2})', slots: ['hour'] },
  M: { pattern: '(\\d{2})', slots: ['minute'] },
  S: { pattern: '(\\d{2})', slots: ['second'] },
  T: { pattern: '(\\d{2}):(\\d{2}):(\\d{2})', slots: ['hour', 'minute', 'second'] },
  F: { pattern: '(\\d{4})-(\\d{2})-(\\d{2})', slots: ['year', 'month', 'day'] },
  z: { pattern: '([+-]\\d{4})', slots: ['zone'] },
  s: { pattern: '(\\d+)', slots: ['epoch'] },
  a: { pattern: '[A-Z][a-z]{2}', slots: [] },
  A: { pattern: '[A-Z][a-z]+', slots: [] },
  j: { pattern: '\\d{3}', slots: [] },
  '%': { pattern: '%', slots: [] },
};

export function apacheTimeReader(format: string): TimeReader {
  const bare = format.replace(/^(begin|end):/, '');
  if (bare === 'sec') return parseEpochSeconds;
  if (bare === 'msec') return (text) => epochDigits(text, 1);
  if (bare === 'usec') return (text) => epochDigits(text, 1000);
  if (bare === 'msec_frac' || bare === 'usec_frac') {
    throw new LogFormatError(
      `%{${format}}t is only the fraction of a time; log %{msec}t, or a strftime format with %z, instead`,
    );
  }
  return strftimeReader(bare);
}

function epochDigits(text: string, perMs: number): number {
  return /^\d{1,19}$/.test(text) ? Math.floor(Number(text) / perMs) : Number.NaN;
}

function strftimeReader(format: string): TimeReader {
  const slots: Slot[] = [];
  let source = '^';
  for (let i = 0; i < format.length; i++) {
    const char = format[i]!;
    if (char !== '%') {
      source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const letter = format[++i] ?? '';
    const conversion = CONVERSIONS[letter];
    if (conversion === undefined)
      throw new LogFormatError(`%${letter} in the time format "${format}" is not supported`);
    source += conversion.pattern;
    slots.push(...conversion.slots);
  }
  if (!slots.includes('zone') && !slots.includes('epoch')) {
    throw new LogFormatError(
      `the time format "${format}" has no time zone: add %z (or log %s, seconds since the epoch)`,
    );
  }
  const pattern = new RegExp(`${source}$`);
  return (text) => {
    const match = pattern.exec(text);
    if (match === null) return Number.NaN;
    const fields: Partial<Record<Slot, string>> = {};
    slots.forEach((slot, index) => {
      fields[slot] = match[index + 1];
    });
    if (fields.epoch !== undefined) return Number(fields.epoch) * 1000;
    const year = fields.year !== undefined ? Number(fields.year) : 2000 + Number(fields.shortYear ?? Number.NaN);
    const month = fields.monthName !== undefined ? monthNumber(fields.monthName) : Number(fields.month ?? 1) - 1;
    const local = utcFromFields(
      year,
      month,
      Number(fields.day ?? 1),
      Number(fields.hour ?? 0),
      Number(fields.minute ?? 0),
      Number(fields.second ?? 0),
    );
    return local - zoneOffsetMinutes(fields.zone ?? '', 0) * 60_000;
  };
}
