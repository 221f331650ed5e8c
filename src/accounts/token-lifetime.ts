/** Token lifetimes as people write them: `12h`, `30d`, `8w`, `1y`; `never` for none. */

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 } as const;
/** longer than this is a token that never expires in all but name: say so with `never` */
const MAX_LIFETIME_MS = 10 * UNIT_MS.y;

/** Milliseconds, or null for `never`; throws a message fit for the caller on anything else. */
export function parseTokenLifetime(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'never') return null;
  const match = /^([1-9]\d{0,5})([hdwy])$/.exec(trimmed);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!(ms <= MAX_LIFETIME_MS)) {
    throw new RangeError(
      `a token lifetime is a number and a unit (h, d, w, y), at most 10y, or "never"; got "${text}"`,
    );
  }
  return ms;
}
