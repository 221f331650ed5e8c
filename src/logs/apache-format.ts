/**
 * Apache `LogFormat` strings → format tokens. Accepted as pasted from a
 * configuration: `LogFormat "%h %l %u %t \"%r\" %>s %b" common` (the
 * directive, the quoted format with its `\"` escapes, the nickname), the
 * quoted format alone, or the bare format.
 */
import { requestPart } from './field-parts.js';
import type { FormatToken } from './format-pattern.js';
import { apacheDirective } from './format-table.js';
import { LogFormatError } from './log-record.js';

/** The format inside a pasted `LogFormat "…" nickname` line, or the text itself. */
export function unwrapApacheLogFormat(text: string): string {
  let rest = text.trim();
  if (/^LogFormat\s/i.test(rest)) rest = rest.replace(/^LogFormat\s+/i, '');
  if (!rest.startsWith('"')) return rest;
  const close = closingQuote(rest);
  // `"%r" %>s "%{Referer}i"` starts with a quote too: it is a wrapper only if the quote closes the format.
  if (close === -1) return rest;
  const after = rest.slice(close + 1).trim();
  if (after !== '' && !/^[\w.-]+$/.test(after)) return rest;
  return rest.slice(1, close);
}

function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

const MODIFIER = /[<>!,0-9]/;

export function apacheTokens(format: string): FormatToken[] {
  const tokens: FormatToken[] = [];
  let literal = '';
  for (let i = 0; i < format.length; i++) {
    const char = format[i]!;
    if (char === '\\' && i + 1 < format.length) {
      // Apache's format language: \n and \t, and a backslash before any other character keeps that character.
      const next = format[++i]!;
      literal += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      continue;
    }
    if (char !== '%') {
      literal += char;
      continue;
    }
    if (format[i + 1] === '%') {
      literal += '%';
      i++;
      continue;
    }
    let at = i + 1;
    let argument = '';
    while (at < format.length && MODIFIER.test(format[at]!)) at++;
    if (format[at] === '{') {
      const close = format.indexOf('}', at);
      if (close === -1) throw new LogFormatError(`"${format.slice(i)}": a { without its }`);
      argument = format.slice(at + 1, close);
      at = close + 1;
    }
    while (at < format.length && MODIFIER.test(format[at]!)) at++;
    const letter = format[at];
    if (letter === undefined || !/[A-Za-z]/.test(letter)) {
      throw new LogFormatError(`"${format.slice(i, at + 1)}" is not an Apache log directive`);
    }
    if (literal !== '') tokens.push({ literal });
    literal = '';
    // `%U%q` (path, then `?query` or nothing) has no delimiter between them: read as one path-and-query part.
    if (letter === 'U' && format.startsWith('%q', at + 1)) {
      tokens.push({ part: requestPart('requestUri', 'request_uri') });
      i = at + 2;
      continue;
    }
    tokens.push({ part: apacheDirective(letter, argument) });
    i = at;
  }
  if (literal !== '') tokens.push({ literal });
  return tokens;
}
