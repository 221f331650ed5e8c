/**
 * The formats docs/access-logs.md tells people to configure and pass to
 * --format are ones tmon reads: every nginx `log_format` and Apache
 * `LogFormat` line and every `--format` value of its examples compiles, reads
 * a line written with it, and is the same as what the admin page shows. Its
 * code blocks are not run (they configure web servers or follow a log until
 * stopped): each gives its reason, as the other docs tests require.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compileLogFormat } from '../../src/logs/formats.js';
import { isLogRefusal } from '../../src/logs/log-record.js';
import { accessLogSetup } from '../../ui/src/admin/access-log-setup.js';
import { REPO } from '../support/tmon-process.js';

interface CodeBlock {
  language: string;
  text: string;
  /** the reason in the `<!-- not run: REASON -->` line above it, or null */
  notRun: string | null;
  line: number;
}

function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `line ${i + 1}: a code block without its end`);
    const marker = /^<!-- not run:\s*(.*?)\s*-->$/.exec(lines[i - 1] ?? '');
    blocks.push({
      language: open[1]!,
      text: lines.slice(i + 1, end).join('\n'),
      notRun: marker?.[1] ?? null,
      line: i + 1,
    });
    i = end;
  }
  return blocks;
}

const markdown = readFileSync(path.join(REPO, 'docs', 'access-logs.md'), 'utf8');
const blocks = codeBlocks(markdown);
const ofLanguage = (language: string) => blocks.filter((b) => b.language === language).map((b) => b.text);

const nginxDirectives = ofLanguage('nginx').flatMap((text) =>
  text.split('\n').filter((l) => l.startsWith('log_format ')),
);
const apacheDirectives = ofLanguage('apache').flatMap((text) =>
  text.split('\n').filter((l) => l.startsWith('LogFormat ')),
);
const formatOptions = ofLanguage('sh').flatMap((text) =>
  [...text.matchAll(/--format (?:'([^']*)'|(\S+))/g)].map((m) => (m[1] ?? m[2])!),
);

const REQUEST = '[07/Dec/2026:13:55:36 +0000] "GET /a?b=1 HTTP/1.1" 200 5 "-" "curl/8.5.0"';
/** a line as each text format of the page writes it: the duration, then the forwarded address, when it has them */
function sampleLine(format: string): string {
  let line = `203.0.113.7 - - ${REQUEST}`;
  if (format.includes('$request_time')) line += ' 0.250';
  if (format.includes('%D')) line += ' 250000';
  if (/\$http_x_forwarded_for|%\{X-Forwarded-For\}i/.test(format)) line += ' "198.51.100.9"';
  return line;
}

describe('docs/access-logs.md', () => {
  it('has the format lines and --format values this test checks', () => {
    assert.equal(nginxDirectives.length, 2);
    assert.equal(apacheDirectives.length, 1);
    assert.ok(formatOptions.length >= 5, formatOptions.join('\n'));
  });

  it('gives nginx and Apache format lines that tmon compiles and that read the duration', () => {
    for (const directive of [...nginxDirectives, ...apacheDirectives]) {
      const result = compileLogFormat(directive, { clientFromForwardedFor: true })(sampleLine(directive));
      assert.ok(!isLogRefusal(result), `${directive}: ${isLogRefusal(result) ? result.message : ''}`);
      assert.equal(result.duration_ms, 250, directive);
      assert.equal(result.url, '/a?b=1');
      assert.equal(result.ip, directive.includes('forwarded_for') ? '198.51.100.9' : '203.0.113.7');
    }
  });

  it('gives --format values that tmon compiles', () => {
    for (const format of formatOptions) {
      const parse = compileLogFormat(format);
      if (format === 'json') continue;
      const result = parse(sampleLine(format));
      // a mismatch here is a --format that does not describe the lines the page says it reads
      assert.ok(!isLogRefusal(result), `${format}: ${isLogRefusal(result) ? result.message : ''}`);
    }
  });

  it('shows the lines and formats the admin page shows', () => {
    const nginxBlocks = ofLanguage('nginx');
    assert.deepEqual(nginxBlocks, [
      accessLogSetup('nginx', false).configLines.join('\n'),
      accessLogSetup('nginx', true).configLines.join('\n'),
    ]);
    assert.deepEqual(ofLanguage('apache'), [accessLogSetup('apache', false).configLines.join('\n')]);
    assert.ok(formatOptions.includes(accessLogSetup('nginx', false).format));
    assert.ok(formatOptions.includes(accessLogSetup('apache', false).format));
    // the Apache proxy variant is described in words: the directive it names is the one the admin page adds
    assert.ok(accessLogSetup('apache', true).format.endsWith(' "%{X-Forwarded-For}i"'));
    assert.ok(markdown.includes('add `\\"%{X-Forwarded-For}i\\"` at the end of the format'));
  });

  it('says why each code block is not run', () => {
    for (const block of blocks) {
      assert.ok(block.notRun, `line ${block.line}: a code block without <!-- not run: REASON -->`);
      assert.ok(block.notRun.length >= 10, `line ${block.line}: <!-- not run: … --> needs a reason`);
    }
  });
});
