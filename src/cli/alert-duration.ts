/**
 * Durations as `tmon alert` takes them: a number with a unit (`90s`, `5m`,
 * `2h`, `1d`), or a bare number in the option's own unit (seconds for
 * --window and --for, minutes for --repeat).
 */
import { UsageError } from './args.js';

const SECONDS_PER: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** the duration in seconds; `bareUnit` is what a number without a unit counts */
export function durationSeconds(text: string, option: string, bareUnit: 's' | 'm'): number {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`${option} takes a duration such as 90s, 5m, 2h or 1d, not "${text}"`);
  return Number(match[1]) * SECONDS_PER[match[2] || bareUnit]!;
}

/** whole minutes (--repeat): `30m`, `2h`, or a bare number of minutes */
export function durationMinutes(text: string, option: string): number {
  const seconds = durationSeconds(text, option, 'm');
  if (seconds % 60 !== 0) throw new UsageError(`${option} is in whole minutes, not "${text}"`);
  return seconds / 60;
}
