/**
 * bench/RESULTS.md: each benchmark run with `--record` replaces its own
 * section there and keeps every other byte of the file. Sections sit between
 * `<!-- results: NAME -->` and `<!-- end of results: NAME -->` lines; a file
 * whose markers do not pair up is refused, not rewritten, because rewriting it
 * could drop another benchmark's figures.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OptionSpec } from './args.js';
import { REPO_ROOT } from './processes.js';
import { formatTargets, machineLine, type Target } from './report.js';

export const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'RESULTS.md');

/** The `--record` option every benchmark takes. */
export const RECORD_OPTION = {
  kind: 'boolean',
  help: "write this run's figures into bench/RESULTS.md (its own section, the others kept)",
} as const satisfies OptionSpec;

/** What a new RESULTS.md starts with: above every section, never rewritten afterwards. */
export const RESULTS_HEADER = `# Benchmark results

This file is written by the benchmarks, not by hand. Each section holds the
latest run of one benchmark that was started with \`--record\`, for example
\`npm run bench:ingest -- --record\`; that run replaces its own section and
leaves the others as they are. Older figures are in this file's git history.
What each benchmark measures and how to read its figures:
[README.md](README.md).

Figures depend on the machine and on what else it was doing: compare the
ratios measured in one run (tmon against the baseline of the same run), not
absolute figures across machines or runs.
`;

const MARKER = /^<!-- (results|end of results): (.+?) -->$/;

export class MalformedResultsFile extends Error {
  override name = 'MalformedResultsFile';
}

interface SectionSpan {
  name: string;
  /** offset of the start of its opening marker line */
  start: number;
  /** offset just past its closing marker line (and that line's newline) */
  end: number;
}

/** Every section of `text`, in order; throws MalformedResultsFile when the markers do not pair up. */
export function sections(text: string, file = 'bench/RESULTS.md'): SectionSpan[] {
  const out: SectionSpan[] = [];
  let open: { name: string; start: number; line: number } | null = null;
  let offset = 0;
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    const lineStart = offset;
    offset += line.length + 1;
    const match = MARKER.exec(line.trimEnd());
    if (!match) continue;
    const [, kind, name] = match as unknown as [string, string, string];
    const refuse = (problem: string) => {
      throw new MalformedResultsFile(
        `${file} line ${lineNumber}: ${problem}; fix the file by hand (or remove it) and record again — ` +
          'it is not rewritten, so that no other benchmark loses its figures',
      );
    };
    if (kind === 'results') {
      if (open) refuse(`section "${name}" opens inside section "${open.name}" (opened line ${open.line})`);
      if (out.some((s) => s.name === name)) refuse(`section "${name}" appears a second time`);
      open = { name, start: lineStart, line: lineNumber };
    } else {
      if (!open) refuse(`"end of results: ${name}" closes no open section`);
      else if (open.name !== name) refuse(`"end of results: ${name}" closes section "${open.name}"`);
      else out.push({ name, start: open.start, end: Math.min(offset, text.length) });
      open = null;
    }
  }
  if (open) {
    throw new MalformedResultsFile(
      `${file} line ${open.line}: section "${open.name}" is never closed (no "<!-- end of results: ${open.name} -->"); ` +
        'fix the file by hand (or remove it) and record again — it is not rewritten, so that no other benchmark loses its figures',
    );
  }
  return out;
}

/**
 * `text` with section `name` holding `body`: in place of its previous content
 * when it has one, else appended at the end. Every byte outside that section
 * is kept. An empty `text` gets RESULTS_HEADER first.
 */
export function replaceSection(text: string, name: string, body: string, file?: string): string {
  if (name.includes('-->') || name.trim() !== name || name === '') throw new Error(`not a section name: "${name}"`);
  const spans = sections(text, file);
  const section = `<!-- results: ${name} -->\n${body.trimEnd()}\n<!-- end of results: ${name} -->\n`;
  const existing = spans.find((s) => s.name === name);
  if (existing) return text.slice(0, existing.start) + section + text.slice(existing.end);
  const before = text === '' ? RESULTS_HEADER : text.endsWith('\n') ? text : `${text}\n`;
  return `${before}\n${section}`;
}

export interface RecordedRun {
  /** the section's name and heading: the npm script, e.g. `bench:ingest` */
  benchmark: string;
  /** the command as typed (see commandAsTyped) */
  command: string;
  /** the tables and lines of figures, each printed as the benchmark printed it */
  figures: readonly string[];
  targets: readonly Target[];
  at?: Date;
}

/** A section's body: when, on what, by which command, then the figures and the targets' verdicts. */
export function sectionBody(run: RecordedRun): string {
  const at = (run.at ?? new Date()).toISOString();
  const lines = [`## ${run.benchmark}`, '', `- date: ${at}`, `- ${machineLine()}`, `- command: \`${run.command}\``, ''];
  const printed = [...run.figures, ...(run.targets.length > 0 ? [formatTargets(run.targets)] : [])];
  for (const block of printed) lines.push('```text', block.trimEnd(), '```', '');
  return lines.join('\n');
}

/**
 * The command that started this benchmark, as a user would type it again:
 * `npm run bench:ingest -- --record --load wrk` when npm started it (npm names
 * the script in npm_lifecycle_event), else the tsx command line.
 */
export function commandAsTyped(script: string, entry: string, argv: readonly string[] = process.argv.slice(2)): string {
  // a password in a database URL stays out of a committed file
  const redacted = argv.map((arg) => arg.replace(/^(\w+:\/\/[^:/@\s]+):[^@\s]*@/, '$1:***@'));
  const quoted = redacted.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`));
  const args = quoted.length > 0 ? ` ${quoted.join(' ')}` : '';
  if (process.env.npm_lifecycle_event === script) return `npm run ${script} --${args}`;
  return `npx tsx ${entry}${args}`;
}

/** The file's path as the error names it: relative to the repository when it is inside. */
function displayName(file: string): string {
  const relative = path.relative(REPO_ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** Writes `run` into its section of `file` (bench/RESULTS.md): a new file is written whole, then renamed into place. */
export async function recordResults(run: RecordedRun, file = RESULTS_FILE): Promise<void> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const next = replaceSection(text, run.benchmark, sectionBody(run), displayName(file));
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, next);
  await rename(temporary, file);
}
