/**
 * The `--format` value → a line parser: a preset name (`combined`, the
 * default; `common`; `vhost_combined`; `json`), or the user's own format in
 * nginx `log_format` or Apache `LogFormat` syntax, told apart by its
 * variables (`$name`) or directives (`%x`). Compiling checks the format once;
 * a format tmon cannot read throws LogFormatError before any line is parsed.
 */
import { apacheTokens, unwrapApacheLogFormat } from './apache-format.js';
import { templateJsonKeys } from './flat-json.js';
import { compileFormat, lineParserFor } from './format-pattern.js';
import { jsonLineParser } from './json-format.js';
import { type LineParser, LogFormatError, type LogParseOptions } from './log-record.js';
import { nginxJsonKeys, nginxTokens, unwrapNginxLogFormat } from './nginx-format.js';

/** Apache's definitions (mod_log_config); nginx's `combined` writes the same layout. */
export const PRESET_FORMATS = {
  combined: '%h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  common: '%h %l %u %t "%r" %>s %b',
  vhost_combined: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
} as const;

export const DEFAULT_FORMAT = 'combined';

export function compileLogFormat(format: string = DEFAULT_FORMAT, options: LogParseOptions = {}): LineParser {
  if (format === 'json') return jsonLineParser(options);
  if (Object.hasOwn(PRESET_FORMATS, format)) {
    const preset = PRESET_FORMATS[format as keyof typeof PRESET_FORMATS];
    return lineParserFor(compileFormat(apacheTokens(preset), `the ${format} format`), 'escaped', options);
  }
  const syntax = formatSyntax(format);
  if (syntax === 'apache') {
    const tokens = apacheTokens(unwrapApacheLogFormat(format));
    return lineParserFor(compileFormat(tokens, 'the Apache format'), 'escaped', options);
  }
  const { template, escaping } = unwrapNginxLogFormat(format);
  if (escaping === 'json') return jsonLineParser(options, templateJsonKeys(nginxJsonKeys(template)));
  const compiled = compileFormat(nginxTokens(template), 'the nginx format');
  return lineParserFor(compiled, escaping === 'none' ? 'none' : 'escaped', options);
}

function formatSyntax(format: string): 'nginx' | 'apache' {
  const text = format.trim();
  if (/^log_format\s/.test(text)) return 'nginx';
  if (/^LogFormat\s/i.test(text)) return 'apache';
  if (/\$(?:\{\w+\}|\w)/.test(text)) return 'nginx';
  if (/%[<>!,0-9]*(?:\{[^}]*\})?[<>]?[A-Za-z]/.test(text)) return 'apache';
  throw new LogFormatError(
    `"${format}" is neither a preset (${[...Object.keys(PRESET_FORMATS), 'json'].join(', ')}) nor a format with nginx $variables or Apache %directives`,
  );
}
