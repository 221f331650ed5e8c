/**
 * The time formats access logs write, each read with its own time zone, to
 * ms since the epoch; NaN when the text is not such a time. Hand-written
 * scanners rather than Date.parse: they reject what a log never writes, and
 * CLF (`10/Oct/2000:13:55:36 -0700`) is not a format Date.parse knows.
 */

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** Digits at [from, from + count) as a number; -1 when any is not a digit. */
export function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (!(code >= 0 && code <= 9)) return -1;
    value = value * 10 + code;
  }
  return value;
}

export function monthNumber(abbreviation: string): number {
  return MONTHS[abbreviation] ?? -1;
}

/** Date.UTC of the fields, or NaN when one is out of its range (Date.UTC would roll 31 Feb into March). */
export function utcFromFields(year: number, month: number, day: number, hour: number, minute: number, second: number) {
  if (year < 0 || month < 0 || month > 11 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  // second 60: a leap second, which strftime allows and Date.UTC carries into the next minute
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return Number.NaN;
  return Date.UTC(year, month, day, hour, minute, second);
}

function daysInMonth(year: number, month: number): number {
  if (month === 1) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 3 || month === 5 || month === 8 || month === 10 ? 30 : 31;
}

/** `+0530`, `-07:00`, `Z` (at `from`) → minutes east of UTC; NaN when it is none of them. */
export function zoneOffsetMinutes(text: string, from: number): number {
  if (text.length === from + 1 && text[from] === 'Z') return 0;
  const sign = text[from] === '+' ? 1 : text[from] === '-' ? -1 : 0;
  if (sign === 0) return NaN;
  const rest = text.length - from - 1;
  const colon = rest === 5 && text[from + 3] === ':';
  if (rest !== 4 && !colon) return NaN;
  const hours = digitsAt(text, from + 1, 2);
  const minutes = digitsAt(text, from + (colon ? 4 : 3), 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return NaN;
  return sign * (hours * 60 + minutes);
}

let lastClfDay = '\u0000'; // matches no line until the first day is read
let lastClfDayMs = Number.NaN;

/** nginx `$time_local`, Apache `%t` without brackets: `10/Oct/2000:13:55:36 -0700`. */
export function parseClfTime(text: string): number {
  if (text.length !== 26 || text[2] !== '/' || text[6] !== '/' || text[11] !== ':' || text[20] !== ' ')
    return Number.NaN;
  if (text[14] !== ':' || text[17] !== ':') return Number.NaN;
  // The lines of a log share their day: its start is worked out once (the date part is ~80% of the cost).
  if (!text.startsWith(lastClfDay)) {
    lastClfDayMs = utcFromFields(digitsAt(text, 7, 4), monthNumber(text.slice(3, 6)), digitsAt(text, 0, 2), 0, 0, 0);
    lastClfDay = text.slice(0, 11);
  }
  const hour = digitsAt(text, 12, 2);
  const minute = digitsAt(text, 15, 2);
  const second = digitsAt(text, 18, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return Number.NaN;
  return lastClfDayMs + ((hour * 60 + minute - zoneOffsetMinutes(text, 21)) * 60 + second) * 1000;
}

/** `2000-10-10T13:55:36-07:00`, `…36.123456789Z`, `…36+0530`: nginx `$time_iso8601`, Traefik, Caddy's iso8601 option. */
export function parseIsoTime(text: string): number {
  if (text.length < 20 || text[4] !== '-' || text[7] !== '-' || (text[10] !== 'T' && text[10] !== ' ')) return NaN;
  if (text[13] !== ':' || text[16] !== ':') return NaN;
  let at = 19;
  let fractionMs = 0;
  if (text[at] === '.' || text[at] === ',') {
    const start = ++at;
    while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
    if (at === start) return NaN;
    fractionMs = fractionToMs(text.slice(start, at));
  }
  const local = utcFromFields(
    digitsAt(text, 0, 4),
    digitsAt(text, 5, 2) - 1,
    digitsAt(text, 8, 2),
    digitsAt(text, 11, 2),
    digitsAt(text, 14, 2),
    digitsAt(text, 17, 2),
  );
  return local + fractionMs - zoneOffsetMinutes(text, at) * 60_000;
}

/** Seconds since the epoch with an optional fraction (`$msec`, Caddy's `ts`): exact to the ms, no float rounding. */
export function parseEpochSeconds(text: string): number {
  const dot = text.indexOf('.');
  const whole = dot === -1 ? text : text.slice(0, dot);
  if (whole.length === 0 || whole.length > 12) return NaN;
  const seconds = digitsAt(whole, 0, whole.length);
  if (seconds < 0) return NaN;
  if (dot === -1) return seconds * 1000;
  const fraction = text.slice(dot + 1);
  if (fraction.length === 0 || digitsAt(fraction, 0, Math.min(fraction.length, 9)) < 0) return NaN;
  return seconds * 1000 + fractionToMs(fraction);
}

/** A time of any kind above, or a JSON number of epoch seconds: for JSON logs whose time field is named freely. */
export function parseAnyTime(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? parseEpochSeconds(String(value)) : NaN;
  if (typeof value !== 'string') return NaN;
  const first = value.charCodeAt(0);
  if (value.length === 26 && value[2] === '/') return parseClfTime(value);
  if (value[4] === '-') return parseIsoTime(value);
  if (first >= 48 && first <= 57) return parseEpochSeconds(value);
  return NaN;
}

/** Whole milliseconds of a decimal fraction of a second (`5241024` → 524). */
function fractionToMs(digits: string): number {
  const ms = digitsAt(`${digits}00`, 0, 3);
  return Math.max(ms, 0);
}
