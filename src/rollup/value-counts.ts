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

/** Counts one event of the value in the minute. */
export function countMinute(values: Map<string, ValueCounts>, key: string, minute: number): void {
  const counts = values.get(key);
  if (counts === undefined) values.set(key, { minutes: [minute], counts: [1] });
  else increment(counts, minute);
}

/** Adds counts in their JSON form ([value, minutes, counts]) to the values' counts. */
export function addValueCounts(values: Map<string, ValueCounts>, data: readonly [string, number[], number[]][]): void {
  for (const [key, minutes, counts] of data) {
    const existing = values.get(key);
    if (existing === undefined) {
      values.set(key, { minutes: [...minutes], counts: [...counts] });
      continue;
    }
    for (let j = 0; j < minutes.length; j++) increment(existing, minutes[j] as number, counts[j] as number);
  }
}
