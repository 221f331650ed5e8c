/**
 * Runs async work one at a time per key, in the order it came. A check and
 * the write it guards (count a user's services, then add one) would otherwise
 * interleave at their awaits: 150 concurrent requests would all count 99 and
 * all be created.
 */
export type OneAtATime = <T>(key: number | string, work: () => Promise<T>) => Promise<T>;

export function oneAtATime(): OneAtATime {
  const tails = new Map<number | string, Promise<unknown>>();
  return (key, work) => {
    const previous = tails.get(key) ?? Promise.resolve();
    // the next caller waits for this one whether it succeeds or fails; the failure is this caller's to see
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    // the last one out removes its key, so the map holds only keys with work in flight
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}
