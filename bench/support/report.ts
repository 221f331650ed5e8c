/** Printing: aligned tables, the machine the figures come from, PASS/FAIL lines. */
import os from 'node:os';

/** A text table: the first row is the header; numbers-looking cells are right-aligned. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) =>
        /^[-+]?[\d.,]+( ?[%x×]|ms| MB)?$/.test(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!),
      )
      .join('  ')
      .trimEnd();
  const [header, ...body] = rows;
  if (!header) return '';
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function int(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}

export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The machine the figures were measured on. */
export function machineLine(): string {
  const cpus = os.cpus();
  return (
    `machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown cpu'}), ${megabytes(os.totalmem())} RAM, ` +
    `Node ${process.version}, ${os.platform()} ${os.release()}`
  );
}

/** What the figures were measured on; the load generator shares the machine with the server. */
export function describeMachine(sharing = 'the server under test, the baseline and the load generator'): string {
  return [
    machineLine(),
    `note: the machine is shared by ${sharing} (all on 127.0.0.1): ` +
      'compare ratios measured in the same run, not absolute figures across machines.',
  ].join('\n');
}

export interface Target {
  name: string;
  met: boolean;
  detail: string;
}

/** One line per target: PASS or FAIL, its name, what was measured. */
export function formatTargets(targets: readonly Target[]): string {
  return targets.map((t) => `${t.met ? 'PASS' : 'FAIL'}  ${t.name}: ${t.detail}`).join('\n');
}

export function printTargets(targets: readonly Target[]): void {
  if (targets.length > 0) process.stdout.write(`${formatTargets(targets)}\n`);
}
