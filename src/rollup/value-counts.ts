/** One value's counts per minute bucket (nearly always one or two buckets). */
export interface ValueCounts {
  minutes: number[];
  counts: number[];
}

/** Adds `by` to the minute's count, or a new minute with it. */
export function increment(counts: ValueCounts, minute: number, by = 1): void {
  const { minutes } = counts;
  // events arrive nearly in time order: the last minute is the likely one
  for (let i = minutes.length - 1; i >= 0; i--) {
    if (minutes[i] === minute) {
      (counts.counts[i] as number) += by;
      return;
    }
  }
  minutes.push(minute);
  counts.counts.push(by);
}
