/**
 * Number and time formatting for the pages. Pure and import-free so node:test
 * can check it (test/ui/format.test.ts) without a browser.
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** 1234567 → "1,234,567": exact counts in tables and tooltips. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? integer.format(n) : '–';
}

/** 1234567 → "1.2M", 980 → "980": headline figures where width matters more than the last digit. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return Math.abs(n) < 10_000 ? integer.format(n) : compact.format(n);
}

/** requests per second: one decimal below 10 so a quiet service does not read "0". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  if (perSecond > 0 && perSecond < 10) return `${perSecond.toFixed(1)}/s`;
  return `${formatCompact(Math.round(perSecond))}/s`;
}

/** a share 0…1 → "42%", "0.4%", "<0.1%". */
export function formatShare(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return '0%';
  if (share < 0.001) return '<0.1%';
  if (share < 0.1) return `${(share * 100).toFixed(1)}%`;
  return `${Math.round(share * 100)}%`;
}

/** milliseconds → "850 ms", "1.2 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** age in ms → "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAge(ageMs: number): string {
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** ms since epoch → "14:03:07" in the viewer's time zone (log rows). */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** ms since epoch → "2024-05-01 14:03" (tables of users, services). */
export function formatDateTime(ts: number | string): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
