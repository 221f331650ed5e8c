/**
 * The config file of `tmon serve --config FILE`: `TMON_NAME=value` lines, as
 * an environment file. It keeps secrets (TMON_ADMIN_PASSWORD, a database URL
 * with its password) off command lines and out of unit files. This module
 * only reads and splits the file; config.ts validates its values as it does
 * the environment's, so both give the same answers.
 */
import fs from 'node:fs';

export interface ConfigFile {
  readonly path: string;
  /** each setting's raw value, quotes removed */
  readonly values: Readonly<Record<string, string>>;
  /** the line each setting was read from, to point at it in an error */
  readonly lines: Readonly<Record<string, number>>;
  /** malformed lines, unknown names, a name given twice: every one, with its line number */
  readonly problems: readonly string[];
}

const LINE = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/;

/**
 * Splits the text of a config file. `known` names the settings it may set.
 * A problem never quotes a value: the line may hold a password.
 */
export function parseConfigFile(filePath: string, text: string, known: ReadonlySet<string>): ConfigFile {
  const values: Record<string, string> = {};
  const lines: Record<string, number> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${filePath} line ${lineNumber}`;
    const match = LINE.exec(line);
    if (!match) {
      problems.push(`${where}: not a TMON_NAME=value line`);
      return;
    }
    const [, name, rawValue] = match as unknown as [string, string, string];
    if (!known.has(name)) {
      problems.push(
        `${where}: unknown setting ${name}${name.startsWith('TMON_') ? '' : ' (settings start with TMON_)'}`,
      );
      return;
    }
    const value = unquote(rawValue.trim());
    if (value === null) {
      problems.push(`${where}: ${name}'s value opens a quote it does not close`);
      return;
    }
    if (lines[name] !== undefined) {
      problems.push(`${where}: ${name} is set again (first on line ${lines[name]})`);
      return;
    }
    values[name] = value;
    lines[name] = lineNumber;
  });
  return { path: filePath, values, lines, problems };
}

/** 'x' and "x" lose their quotes (no escapes inside: a value is taken as written); null for an unclosed quote. */
function unquote(value: string): string | null {
  const quote = value[0];
  if (quote !== '"' && quote !== "'") return value;
  if (value.length < 2 || !value.endsWith(quote)) return null;
  return value.slice(1, -1);
}

/** Reads and splits the file; a file that cannot be read is one problem, not an exception. */
export function readConfigFile(filePath: string, known: ReadonlySet<string>): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { path: filePath, values: {}, lines: {}, problems: [`cannot read the config file ${filePath} (${reason})`] };
  }
  return parseConfigFile(filePath, text, known);
}

/**
 * A warning when users other than the file's owner and group may read it: it
 * may hold the admin password or a database URL with its password.
 */
export function configFileExposure(filePath: string): string | null {
  let mode: number;
  try {
    mode = fs.statSync(filePath).mode;
  } catch {
    // a file that cannot be stat'ed cannot be read either: readConfigFile reports it as a problem
    return null;
  }
  if ((mode & 0o004) === 0) return null;
  return (
    `the config file ${filePath} is readable by every user of this machine (mode ${(mode & 0o777).toString(8)}), ` +
    `and may hold passwords: chmod 640 ${filePath}`
  );
}
