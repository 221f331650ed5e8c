/**
 * Canvas colours for light and dark. Canvas cannot read CSS, so the palettes
 * live here, chosen to match the page's custom properties in dashboard.css.
 */
import type { Rgb } from './point-style';

export interface MapTheme {
  sea: string;
  land: string;
  coast: string;
  border: string;
  graticule: string;
  fresh: Rgb;
  old: Rgb;
  halo: string;
}

const light: MapTheme = {
  sea: '#eef3f8',
  land: '#d5dde7',
  coast: '#b4c0ce',
  border: '#ffffff',
  graticule: 'rgba(100,116,139,0.12)',
  fresh: [234, 88, 12],
  old: [37, 99, 235],
  halo: 'rgba(234,88,12,',
};

const dark: MapTheme = {
  sea: '#0d1520',
  land: '#1f2b3a',
  coast: '#2d3d51',
  border: '#0d1520',
  graticule: 'rgba(148,163,184,0.08)',
  fresh: [251, 146, 60],
  old: [96, 165, 250],
  halo: 'rgba(251,146,60,',
};

const query = () => window.matchMedia('(prefers-color-scheme: dark)');

export function currentMapTheme(): MapTheme {
  return query().matches ? dark : light;
}

export function onThemeChange(listener: () => void): () => void {
  const q = query();
  q.addEventListener('change', listener);
  return () => q.removeEventListener('change', listener);
}
