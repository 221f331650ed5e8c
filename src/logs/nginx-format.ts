/**
 * nginx `log_format` strings → format tokens. Accepted as pasted from a
 * configuration: the whole directive (`log_format main escape=none '…' '…';`,
 * over several lines), one or more quoted strings (`'…'` or `"…"`, joined as
 * nginx joins them), or the bare format.
 */
import type { FormatToken } from './format-pattern.js';
import { nginxVariable } from './format-table.js';
import { LogFormatError } from './log-record.js';

export type NginxEscape = 'default' | 'json' | 'none';

export interface NginxLogFormat {
  template: string;
  escaping: NginxEscape;
}

export function unwrapNginxLogFormat(text: string): NginxLogFormat {
  let rest = text.trim();
  let escaping: NginxEscape = 'default';
  const directive = /^log_format\s+[^\s;'"]+\s*/.exec(rest);
  if (directive !== null) rest = rest.slice(directive[0].length);
  const escapeParameter = /^escape=(default|json|none)\s*/.exec(rest);
  if (escapeParameter !== null) {
    escaping = escapeParameter[1] as NginxEscape;
    rest = rest.slice(escapeParameter[0].length);
  }
  if (rest.endsWith(';')) rest = rest.slice(0, -1).trimEnd();
  // Without the directive, `"$request" $status` is a bare format that happens to start with a quote.
  const joined = joinConfigStrings(rest, directive !== null);
  return { template: joined ?? rest, escaping };
}

/**
 * `'a' 'b'` → `ab`, as nginx joins a directive's strings, unescaping `\'`, `\"` and `\\` in them;
 * null when `bareWords` is false and the text has anything outside quotes.
 */
function joinConfigStrings(text: string, bareWords: boolean): string | null {
  let template = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char !== "'" && char !== '"') {
      if (!bareWords) return null;
      const end = text.slice(i).search(/\s/);
      const word = end === -1 ? text.slice(i) : text.slice(i, i + end);
      template += word;
      i += word.length;
      continue;
    }
    i++;
    while (i < text.length && text[i] !== char) {
      if (text[i] === '\\' && (text[i + 1] === char || text[i + 1] === '\\')) i++;
      template += text[i];
      i++;
    }
    if (i >= text.length) {
      if (!bareWords) return null;
      throw new LogFormatError(`the format has a ${char} without its closing ${char}`);
    }
    i++;
  }
  return template;
}

export function nginxTokens(template: string): FormatToken[] {
  const tokens: FormatToken[] = [];
  const variable = /\$(?:\{(\w+)\}|(\w+))/g;
  let last = 0;
  for (const match of template.matchAll(variable)) {
    tokens.push({ literal: template.slice(last, match.index) });
    tokens.push({ part: nginxVariable((match[1] ?? match[2])!) });
    last = match.index! + match[0].length;
  }
  tokens.push({ literal: template.slice(last) });
  return tokens;
}

/** The variable each key of an `escape=json` template holds: `{"ip":"$remote_addr"}` → ip → remote_addr. */
export function nginxJsonKeys(template: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const match of template.matchAll(/"([^"]+)"\s*:\s*"?\$(?:\{(\w+)\}|(\w+))"?\s*[,}]/g)) {
    keys.set(match[1]!, (match[2] ?? match[3])!);
  }
  return keys;
}
