/// <reference lib="es2024.string" />
// Node 20 has String#isWellFormed; the ES2022 lib of tsconfig does not declare it
/**
 * `--format json`: one JSON object per line, recognised per line as Caddy's,
 * Traefik's, or a flat nginx-style object (so a file that mixes them still
 * reads). A line that is not a JSON object is refused as bad_json.
 */
import { fillFromCaddy, isCaddyLine } from './caddy-json.js';
import type { FieldPart } from './field-parts.js';
import { commonJsonKey, fillFromFlatJson } from './flat-json.js';
import { isJsonObject } from './json-values.js';
import { finishRecord, newDraft, resetDraft } from './line-draft.js';
import { isLogRefusal, type LineParser, type LogParseOptions, type LogRecord, refuseLine } from './log-record.js';
import { fillFromTraefik, isTraefikLine } from './traefik-json.js';

/** `keyPart` given: every line is a flat object read by that mapping (an nginx `escape=json` template). */
export function jsonLineParser(options: LogParseOptions, keyPart?: (key: string) => FieldPart | null): LineParser {
  const draft = newDraft();
  return (line) => {
    if (line.trim() === '') return refuseLine('empty', 'the line is empty');
    let object: unknown;
    try {
      object = JSON.parse(line);
    } catch (error) {
      return refuseLine('bad_json', `the line is not JSON: ${(error as Error).message}`);
    }
    if (!isJsonObject(object)) return refuseLine('bad_json', 'the line is not a JSON object');
    resetDraft(draft);
    let refusal: ReturnType<typeof fillFromCaddy>;
    if (keyPart !== undefined) refusal = fillFromFlatJson(object, draft, keyPart);
    else if (isCaddyLine(object)) refusal = fillFromCaddy(object, draft);
    else if (isTraefikLine(object)) refusal = fillFromTraefik(object, draft);
    else refusal = fillFromFlatJson(object, draft, commonJsonKey);
    if (refusal !== null) return refusal;
    const result = finishRecord(draft, options);
    // Only JSON's \ud800-style escapes can make a lone surrogate, which the server refuses (it cannot store one).
    if (!isLogRefusal(result) && /\\u[dD][89a-fA-F]/.test(line) && !isWellFormedRecord(result)) {
      return refuseLine(
        'bad_text',
        'the line holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair)',
      );
    }
    return result;
  };
}

function isWellFormedRecord(record: LogRecord): boolean {
  for (const value of [record.url, record.useragent, record.referrer, record.username, record.method]) {
    if (value !== null && !value.isWellFormed()) return false;
  }
  for (const key in record.extra) {
    const value = record.extra[key];
    if (!key.isWellFormed() || (typeof value === 'string' && !value.isWellFormed())) return false;
  }
  return true;
}
