/** Command-line options of the benchmarks: `--name value` flags, numbers checked, usage on error. */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  /** shown in the usage text */
  help: string;
  /** numbers are checked to be positive (without a default they are optional); strings are taken as given */
  kind: 'number' | 'string' | 'boolean';
  default?: number | string | boolean;
}

export type Parsed<T extends Record<string, OptionSpec>> = {
  [K in keyof T]: T[K]['kind'] extends 'number'
    ? T[K] extends { default: number }
      ? number
      : number | undefined
    : T[K]['kind'] extends 'boolean'
      ? boolean
      : T[K] extends { default: string }
        ? string
        : string | undefined;
};

/** Parses argv (without node and script) by the specs; prints the usage and exits 2 on a bad option. */
export function parseOptions<T extends Record<string, OptionSpec>>(
  command: string,
  specs: T,
  argv: string[] = process.argv.slice(2),
): Parsed<T> {
  const usage = () =>
    [
      `usage: ${command} [options]`,
      ...Object.entries(specs).map(
        ([name, spec]) =>
          `  --${name}${spec.kind === 'boolean' ? '' : ` <${spec.kind}>`}  ${spec.help}${
            spec.default === undefined ? '' : ` (default ${spec.default})`
          }`,
      ),
    ].join('\n');
  try {
    const options = Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [name, { type: spec.kind === 'boolean' ? 'boolean' : 'string' }]),
    ) as Record<string, { type: 'string' | 'boolean' }>;
    const { values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true });
    if (values.help) {
      process.stdout.write(`${usage()}\n`);
      process.exit(0);
    }
    const out: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(specs)) {
      const raw = (values as Record<string, string | boolean | undefined>)[name];
      if (spec.kind === 'number') {
        if (raw === undefined && spec.default === undefined) continue; // optional: left undefined
        const value = raw === undefined ? spec.default : Number(raw);
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
          throw new Error(`--${name} must be a positive number, got "${String(raw)}"`);
        }
        out[name] = value;
      } else if (spec.kind === 'boolean') {
        out[name] = raw ?? spec.default ?? false;
      } else {
        out[name] = raw ?? spec.default;
      }
    }
    return out as Parsed<T>;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage()}\n`);
    process.exit(2);
  }
}
