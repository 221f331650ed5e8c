/** What the server told the app in `#app`'s data attributes when it rendered the shell. */
export interface PageData {
  root: HTMLElement;
  page: 'dashboard' | 'admin';
  wsid: number | null;
  serviceName: string;
  user: string;
  admin: boolean;
}

export function readPageData(): PageData {
  const root = document.getElementById('app');
  if (root === null) throw new Error('tmon: the page has no #app element to mount into');
  const d = root.dataset;
  const wsid = d.wsid !== undefined && /^\d+$/.test(d.wsid) ? Number(d.wsid) : null;
  return {
    root,
    page: d.page === 'admin' ? 'admin' : 'dashboard',
    wsid,
    serviceName: d.serviceName ?? (wsid === null ? '' : `service ${wsid}`),
    user: d.user ?? '',
    admin: d.admin === 'true',
  };
}
