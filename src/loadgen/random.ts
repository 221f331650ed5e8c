/**
 * A seedable random source (mulberry32: 32-bit state, fast, plenty for
 * traffic that only has to look real) and the draws the traffic model uses.
 * Injected rather than Math.random, so `--seed` makes a run repeatable.
 */

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: Random, below: number): number {
  return Math.floor(random() * below);
}

export function pickUniform<T>(random: Random, list: readonly T[]): T {
  return list[randomInt(random, list.length)] as T;
}

/** Draws from `[value, weight]` pairs in O(log n): cumulative weights, binary search. */
export function weightedPicker<T>(entries: readonly (readonly [T, number])[]): (random: Random) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const [, weight] of entries) {
    total += weight;
    cumulative.push(total);
  }
  return (random) => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return (entries[low] as readonly [T, number])[0];
  };
}

/** Zipf weights (rank^-s): a few items take most draws, a long tail takes the rest — as URLs and users do. */
export function zipfPicker<T>(items: readonly T[], exponent = 1.1): (random: Random) => T {
  return weightedPicker(items.map((item, rank) => [item, 1 / (rank + 1) ** exponent] as const));
}

/** Log-normal: request latencies are skewed, a median with a long slow tail. */
export function logNormal(random: Random, median: number, sigma: number): number {
  // Box–Muller; 1 - random() avoids log(0)
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return median * Math.exp(sigma * normal);
}
