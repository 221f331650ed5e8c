/**
 * Every command or program a documentation page shows is run by a test, or
 * says why not. A page with a runner (below) is that runner's to check block
 * by block; on every other page, each block in a language one could run
 * follows an `<!-- not run: REASON -->` line. Output samples, JSON answers and
 * config snippets (blocks without a language, or `json`, `text`, `ini`) are
 * not commands.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { codeBlocks } from '../support/markdown-blocks.js';
import { REPO } from '../support/tmon-process.js';

/** pages whose examples a test runs, and that test */
const RUNNERS: Readonly<Record<string, string>> = {
  'docs/index.md': 'test/docs/docs-examples.test.ts',
  'docs/getting-started.md': 'test/docs/getting-started-examples.test.ts',
  'docs/protocol.md': 'test/docs/protocol-examples.test.ts',
  'docs/api.md': 'test/docs/api-examples.test.ts',
  'docs/operations.md': 'test/docs/operations-examples.test.ts',
  'docs/alerts.md': 'test/docs/alerts-examples.test.ts',
  // through the Python client's own suite (clients/python/tests/test_docs_examples.py), which this test runs
  'docs/python.md': 'test/client/python-client.test.ts',
  'docs/opentelemetry.md': 'test/docs/opentelemetry-examples.test.ts',
};

/** the README's quick start is run by the getting-started test; its other blocks must say why they are not */
const README_RUN_SECTION = '## Quick start';

const RUNNABLE = new Set(['sh', 'bash', 'shell', 'sql', 'js', 'ts', 'javascript', 'typescript', 'python', 'go']);

function pages(): string[] {
  const docs = readdirSync(path.join(REPO, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** the README without its quick start section */
function withoutQuickStart(readme: string): string {
  const start = readme.indexOf(`\n${README_RUN_SECTION}\n`);
  if (start < 0) return readme;
  const end = readme.indexOf('\n## ', start + 1);
  const kept = readme.slice(start, end < 0 ? undefined : end).replace(/[^\n]/g, '');
  return readme.slice(0, start) + kept + (end < 0 ? '' : readme.slice(end));
}

describe('documentation examples', () => {
  it('names runners that exist', () => {
    for (const [page, runner] of Object.entries(RUNNERS)) {
      assert.ok(existsSync(path.join(REPO, page)), `${page} exists`);
      assert.ok(existsSync(path.join(REPO, runner)), `${runner} (the runner of ${page}) exists`);
    }
  });

  it('runs every example of a page without a runner, or says why not', async () => {
    const silent: string[] = [];
    for (const page of pages()) {
      if (RUNNERS[page]) continue;
      let markdown = await readFile(path.join(REPO, page), 'utf8');
      if (page === 'README.md') markdown = withoutQuickStart(markdown);
      for (const block of codeBlocks(markdown, page)) {
        if (RUNNABLE.has(block.language) && !block.notRun) silent.push(`${page}:${block.line} (${block.language})`);
      }
    }
    assert.deepEqual(silent, [], 'blocks no test runs and that give no <!-- not run: REASON -->');
  });
});
