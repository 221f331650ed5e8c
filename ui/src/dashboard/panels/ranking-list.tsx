/**
 * One ranking as horizontal bars: label, count and share of the window's
 * total. Labels come from senders (URLs, user agents), so they are text
 * nodes with a title for the full value, never HTML.
 */
import { formatCount, formatShare } from '../../shared/format';

export interface RankRow {
  key: string;
  label: string;
  detail?: string;
  /** a country code shown before the label (flag emoji need a font many Linux desktops lack) */
  badge?: string;
  requests: number;
}

interface Props {
  title: string;
  rows: readonly RankRow[] | null;
  /** the denominator for shares: the window's total requests, or the rows' sum when unknown */
  total?: number | null;
  loading: boolean;
  emptyText: string;
  mono?: boolean;
}

export function RankingList({ title, rows, total, loading, emptyText, mono }: Props) {
  const headingId = `rank-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  const sum = rows?.reduce((n, r) => n + r.requests, 0) ?? 0;
  const denominator = total && total >= sum ? total : sum;
  const top = rows?.[0]?.requests ?? 0;
  return (
    <section class="card" aria-labelledby={headingId}>
      <header class="card-head">
        <h2 id={headingId}>{title}</h2>
      </header>
      {rows === null ? (
        <p class="muted placeholder">{loading ? 'Loading…' : '—'}</p>
      ) : rows.length === 0 ? (
        <p class="muted placeholder">{emptyText}</p>
      ) : (
        <ol class="ranking">
          {rows.map((row) => (
            <li key={row.key} class="rank-row">
              <span
                class="rank-bar"
                aria-hidden="true"
                ref={(el) => {
                  // width from JS (CSSOM): allowed by the strict CSP, unlike a style attribute in markup
                  if (el) el.style.width = `${top > 0 ? Math.max(1, (row.requests / top) * 100) : 0}%`;
                }}
              />
              <span class={mono ? 'rank-label mono' : 'rank-label'} title={row.detail ?? row.label}>
                {row.badge && <span class="cc">{row.badge}</span>}
                {row.label}
              </span>
              <span class="rank-count">{formatCount(row.requests)}</span>
              <span class="rank-share muted">{formatShare(denominator > 0 ? row.requests / denominator : 0)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
