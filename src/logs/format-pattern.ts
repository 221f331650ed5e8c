/**
 * Compiles a format — literal text and field parts, from either syntax — into
 * one anchored regular expression and the list of parts its groups feed. The
 * compiled parser allocates only the match, the field strings and the record.
 *
 * How a field's text is delimited:
 * - between double quotes: up to the next quote not escaped by `\` (Apache's
 *   `\"`; nginx writes `\x22`, which has no quote in it);
 * - where the part knows its own shape (Apache's `[%t]`): that shape;
 * - a part whose text has spaces (a time with its zone) followed by a space: as
 *   little as lets the rest of the line match;
 * - otherwise: up to the first character of the literal that follows; at the end
 *   of the line, to the end (a number or an address: up to a space, so a longer
 *   line than the format is no match).
 */

import { type Decode, extraPart, type FieldPart, type Target } from './field-parts.js';
import { finishRecord, newDraft, resetDraft } from './line-draft.js';
import { decodeLogEscapes } from './log-escapes.js';
import { type LineParser, LogFormatError, type LogParseOptions, refuseLine } from './log-record.js';

export type FormatToken = { literal: string } | { part: FieldPart };

export interface CompiledFormat {
  pattern: RegExp;
  parts: readonly FieldPart[];
}

/** `escaped`: the server escapes text fields (nginx default, Apache); `none`: nginx `escape=none`. */
export type Escaping = 'escaped' | 'none';

const QUOTED_TEXT = '[^"\\\\]*(?:\\\\.[^"\\\\]*)*';

export function compileFormat(tokens: readonly FormatToken[], description: string): CompiledFormat {
  const merged = mergeLiterals(tokens);
  const parts: FieldPart[] = [];
  const filled = new Set<Target>();
  let source = '^';
  for (let i = 0; i < merged.length; i++) {
    const token = merged[i]!;
    if ('literal' in token) {
      source += escapeRegExp(token.literal);
      continue;
    }
    const before = merged[i - 1];
    const after = merged[i + 1];
    if (after !== undefined && 'part' in after) {
      throw new LogFormatError(
        `${token.part.name} and ${after.part.name} have nothing between them in ${description}: their values cannot be told apart`,
      );
    }
    const previousText = before !== undefined && 'literal' in before ? before.literal : '';
    const nextText = after !== undefined && 'literal' in after ? after.literal : '';
    source += `(${valuePattern(token.part, previousText, nextText)})`;
    parts.push(keepsItsTarget(token.part, filled) ? token.part : extraPart(token.part.name));
  }
  for (const [target, what] of REQUIRED) {
    if (!target.some((one) => filled.has(one))) throw new LogFormatError(`${description} has no ${what}`);
  }
  return { pattern: new RegExp(`${source}$`), parts };
}

export function lineParserFor(compiled: CompiledFormat, escaping: Escaping, options: LogParseOptions): LineParser {
  const { pattern, parts } = compiled;
  const decode: Decode = escaping === 'none' ? (value) => value : decodeLogEscapes;
  const draft = newDraft();
  return (line) => {
    const text = line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
    const match = pattern.exec(text);
    if (match === null) {
      if (text.trim() === '') return refuseLine('empty', 'the line is empty');
      return refuseLine('no_match', 'the line does not have the layout of the format');
    }
    resetDraft(draft);
    for (let i = 0; i < parts.length; i++) {
      const refusal = parts[i]!.apply(match[i + 1]!, draft, decode);
      if (refusal !== null) return refusal;
    }
    return finishRecord(draft, options);
  };
}

const REQUIRED: readonly [readonly Target[], string][] = [
  [['ip'], 'client address ($remote_addr, %h or %a)'],
  [['time'], 'time ($time_local, $time_iso8601, $msec, %t or %{…}t)'],
  [['request', 'requestUri', 'path'], 'request ($request, $request_uri, $uri, %r or %U)'],
];

/** The first part for a record field fills it; a second one (both %h and %a) is kept in extra instead. */
function keepsItsTarget(part: FieldPart, filled: Set<Target>): boolean {
  if (part.target === 'extra' || part.target === 'ignored') return true;
  if (filled.has(part.target)) return false;
  filled.add(part.target);
  return true;
}

function valuePattern(part: FieldPart, previousText: string, nextText: string): string {
  if (previousText.endsWith('"') && nextText.startsWith('"')) return QUOTED_TEXT;
  if (part.pattern !== undefined) return part.pattern;
  if (nextText === '') return part.word ? '\\S*' : '.*';
  const delimiter = nextText[0]!;
  if (part.spaced && delimiter === ' ') return '.*?';
  return `[^${escapeRegExp(delimiter)}]*`;
}

function mergeLiterals(tokens: readonly FormatToken[]): FormatToken[] {
  const merged: FormatToken[] = [];
  for (const token of tokens) {
    const last = merged[merged.length - 1];
    if ('literal' in token && last !== undefined && 'literal' in last) {
      merged[merged.length - 1] = { literal: last.literal + token.literal };
    } else if (!('literal' in token) || token.literal !== '') {
      merged.push(token);
    }
  }
  return merged;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
