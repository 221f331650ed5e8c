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
import { type LineParser, type LogParseOptions, refuseLine } from './log-record.js';
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
    return refusal ?? finishRecord(draft, options);
  };
}
