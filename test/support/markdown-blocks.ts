/**
 * The fenced code blocks of a documentation page, with the reason a test
 * does not run one: a block that follows an `<!-- not run: REASON -->` line
 * is not run, and must say why.
 */

export interface CodeBlock {
  page: string;
  /** line of the opening fence */
  line: number;
  /** the fence's info string: `sh`, `json`, `` (none), … */
  language: string;
  code: string;
  /** the reason given in `<!-- not run: REASON -->` ('' when none is given), or null for a block a test runs */
  notRun: string | null;
}

export const SHELL_LANGUAGES: readonly string[] = ['sh', 'bash', 'shell'];

/** Every fenced block of `markdown` (indented ones in list items included), or only those of `languages`. */
export function codeBlocks(markdown: string, page: string, languages?: readonly string[], firstLine = 1): CodeBlock[] {
  const lines = markdown.split('\n');
  const out: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) body.push(lines[j]!.slice(indent));
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const marker = k >= 0 ? /^\s*<!-- not run(?::\s*(.*?))?\s*-->\s*$/.exec(lines[k]!) : null;
    const language = open[2]!;
    if (!languages || languages.includes(language)) {
      out.push({
        page,
        line: firstLine + i,
        language,
        code: body.join('\n'),
        notRun: marker ? (marker[1] ?? '') : null,
      });
    }
    i = j;
  }
  return out;
}
