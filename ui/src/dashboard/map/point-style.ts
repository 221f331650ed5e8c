/**
 * How a point looks: its colour says how recent the latest request there is,
 * its size how many requests it holds. Import-free.
 */

export type Rgb = readonly [number, number, number];

/** a request fades from "just now" to "old" over this span */
const FADE_MS = 10 * 60_000;
/** points this fresh get a halo, so arrivals catch the eye */
export const HALO_MS = 3_000;

export interface PointStyle {
  radius: number;
  color: string;
  /** 0…1: how much halo, 0 past HALO_MS */
  halo: number;
}

export function pointStyle(ageMs: number, requests: number, fresh: Rgb, old: Rgb): PointStyle {
  const age = Math.max(0, ageMs);
  // ease-out: the colour changes fastest in the first minutes, where it tells the most
  const t = Math.min(1, Math.sqrt(age / FADE_MS));
  const alpha = 0.95 - 0.55 * t;
  const mix = (i: 0 | 1 | 2) => Math.round(fresh[i] + (old[i] - fresh[i]) * t);
  return {
    // area grows with requests: radius with the square root, capped so one busy city does not cover a continent
    radius: Math.min(16, 2.5 + Math.sqrt(Math.max(1, requests)) * 1.4),
    color: `rgba(${mix(0)},${mix(1)},${mix(2)},${alpha.toFixed(3)})`,
    halo: age < HALO_MS ? 1 - age / HALO_MS : 0,
  };
}
