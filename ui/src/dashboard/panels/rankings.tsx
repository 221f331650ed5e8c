/** The ranking cards: countries, cities, OS, device, browser and top URLs for the chosen window. */
import type { ResyncState } from '../data/resync-feed';
import { RankingList, type RankRow } from './ranking-list';

const EMPTY = 'No requests in this window.';

export function Rankings({ state }: { state: ResyncState }) {
  const r = state.rankings;
  const total = r ? r.country.reduce((n, row) => n + row.requests, 0) : null;
  const simple = <K extends string>(rows: ({ [key in K]: string } & { requests: number })[] | undefined, key: K) =>
    rows?.map((row): RankRow => ({ key: row[key], label: row[key] || '(unknown)', requests: row.requests })) ?? null;

  return (
    <>
      <RankingList
        title="Countries"
        loading={state.loading}
        emptyText={EMPTY}
        total={total}
        rows={
          r?.country.slice(0, 10).map((row) => ({
            key: row.country,
            label: row.name,
            badge: row.country,
            detail: `${row.name} (${row.country})`,
            requests: row.requests,
          })) ?? null
        }
      />
      <RankingList
        title="Cities"
        loading={state.loading}
        emptyText={EMPTY}
        total={total}
        rows={
          r?.city.map((row) => {
            const where = [row.region, row.country].filter(Boolean).join(', ');
            return {
              key: `${row.city}|${row.region}|${row.country}`,
              label: row.city,
              badge: row.country ?? undefined,
              detail: where ? `${row.city}, ${where}` : row.city,
              requests: row.requests,
            };
          }) ?? null
        }
      />
      <RankingList
        title="Operating systems"
        loading={state.loading}
        emptyText={EMPTY}
        total={total}
        rows={simple(r?.os, 'os')}
      />
      <RankingList
        title="Devices"
        loading={state.loading}
        emptyText={EMPTY}
        total={total}
        rows={simple(r?.device, 'device')}
      />
      <RankingList
        title="Browsers"
        loading={state.loading}
        emptyText={EMPTY}
        total={total}
        rows={simple(r?.browser, 'browser')}
      />
      <RankingList
        title="Top URLs"
        loading={state.loading}
        emptyText={EMPTY}
        total={total}
        mono
        rows={simple(r?.url, 'url')}
      />
    </>
  );
}
