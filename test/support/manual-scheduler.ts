/** a scheduler the test runs by hand, and a clock it moves */
export function manualScheduler() {
  const queue: { run: () => void; at: number }[] = [];
  let now = 0;
  return {
    schedule: (run: () => void, ms: number) => {
      const entry = { run, at: now + ms };
      queue.push(entry);
      return () => {
        const at = queue.indexOf(entry);
        if (at >= 0) queue.splice(at, 1);
      };
    },
    now: () => now,
    advance(ms: number) {
      now += ms;
      for (const entry of queue.filter((e) => e.at <= now)) {
        queue.splice(queue.indexOf(entry), 1);
        entry.run();
      }
    },
    get armed() {
      return queue.length;
    },
  };
}
