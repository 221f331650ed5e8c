/**
 * A suite that needs something the machine may lack (PostgreSQL, Redis,
 * Chromium): `describe(name, { skip: reason })` would leave it out without a
 * word where it counts, because node:test reports a skipped suite as no
 * skipped test: `npm test` said "skipped 2" while whole suites did not run.
 * Here a missing need makes one test of the suite, skipped with the reason,
 * so the summary counts it and the line says why; the suite's hooks do not run.
 */
import { describe, it } from 'node:test';

/** `skip`: false to run the suite, or why it cannot run here */
export function suiteOrSkip(name: string, skip: string | false, body: () => void): void {
  describe(name, () => {
    if (skip) it('every test of this suite', { skip }, () => {});
    else body();
  });
}
