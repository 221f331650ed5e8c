/** bench/RESULTS.md: a benchmark run with --record replaces its own section and keeps every other byte. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  commandAsTyped,
  MalformedResultsFile,
  RESULTS_HEADER,
  recordResults,
  replaceSection,
  sectionBody,
} from '../../bench/support/results-file.js';

const run = (benchmark: string, figure: string) => ({
  benchmark,
  command: `npm run ${benchmark} -- --record`,
  figures: [`scenario  req/s\n--------  -----\n${figure}`],
  targets: [
    { name: 'ratio ≥ 50 %', met: true, detail: '61 %' },
    { name: 'zero errors', met: false, detail: '3 errors' },
  ],
  at: new Date('2026-12-07T12:00:00.000Z'),
});

describe('bench/RESULTS.md sections', () => {
  let dir: string;
  let file: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-results-file-'));
    file = path.join(dir, 'RESULTS.md');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('starts a missing file with the header, then the section with date, machine, command, figures and targets', async () => {
    await recordResults(run('bench:ingest', 'gen2  12,345'), file);
    const text = await readFile(file, 'utf8');
    assert.ok(text.startsWith(RESULTS_HEADER), 'the header comes first');
    assert.match(text, /written by the benchmarks, not by hand/);
    assert.match(text, /<!-- results: bench:ingest -->\n## bench:ingest\n/);
    assert.match(text, /^- date: 2026-12-07T12:00:00\.000Z$/m);
    assert.match(text, /^- machine: \d+ cores \(.+\), [\d.]+ MB RAM, Node v\d+\.\d+\.\d+, \w+ \S+$/m);
    assert.match(text, /^- command: `npm run bench:ingest -- --record`$/m);
    assert.match(text, /^gen2 {2}12,345$/m);
    assert.match(text, /^PASS {2}ratio ≥ 50 %: 61 %\nFAIL {2}zero errors: 3 errors$/m);
    assert.ok(text.endsWith('<!-- end of results: bench:ingest -->\n'));
  });

  it('adds a new section after the others and keeps them byte for byte', async () => {
    const before = await readFile(file, 'utf8');
    await recordResults(run('bench:query', 'latest  0.42'), file);
    const text = await readFile(file, 'utf8');
    assert.ok(text.startsWith(before), 'everything that was there is unchanged');
    assert.match(text.slice(before.length), /^\n<!-- results: bench:query -->\n## bench:query\n[\s\S]*latest {2}0\.42/);
  });

  it('replaces an existing section in place and keeps the text around it byte for byte', async () => {
    // a hand-made note between sections and odd spacing must survive a rewrite
    const handmade = (await readFile(file, 'utf8')).replace(
      '<!-- results: bench:query -->',
      'A note kept between sections.  \n\n<!-- results: bench:query -->',
    );
    await writeFile(file, handmade);
    const ingestStart = handmade.indexOf('<!-- results: bench:ingest -->');
    const ingestEnd =
      handmade.indexOf('<!-- end of results: bench:ingest -->\n') + '<!-- end of results: bench:ingest -->\n'.length;
    await recordResults(run('bench:ingest', 'gen2  99,999'), file);
    const text = await readFile(file, 'utf8');
    assert.equal(text.slice(0, ingestStart), handmade.slice(0, ingestStart), 'the header is unchanged');
    const newEnd =
      text.indexOf('<!-- end of results: bench:ingest -->\n') + '<!-- end of results: bench:ingest -->\n'.length;
    assert.equal(text.slice(newEnd), handmade.slice(ingestEnd), 'the note and bench:query are unchanged');
    assert.match(text.slice(ingestStart, newEnd), /gen2 {2}99,999/);
    assert.doesNotMatch(text, /12,345/, 'the previous figures are gone');
    assert.equal(text.match(/<!-- results: bench:ingest -->/g)?.length, 1);
  });

  it('refuses a file whose markers do not pair up, and leaves it as it was', async () => {
    const cases = [
      ['<!-- results: bench:ingest -->\nfigures\n', /section "bench:ingest" is never closed/],
      ['figures\n<!-- end of results: bench:live -->\n', /line 3: "end of results: bench:live" closes no open section/],
      [
        '<!-- results: bench:live -->\n<!-- results: bench:query -->\n<!-- end of results: bench:query -->\n',
        /line 3: section "bench:query" opens inside section "bench:live"/,
      ],
      [
        '<!-- results: bench:live -->\n<!-- end of results: bench:live -->\n<!-- results: bench:live -->\n<!-- end of results: bench:live -->\n',
        /line 4: section "bench:live" appears a second time/,
      ],
      ['<!-- results: bench:live -->\n<!-- end of results: bench:query -->\n', /closes section "bench:live"/],
    ] as const;
    for (const [text, problem] of cases) {
      const broken = `# Benchmark results\n${text}`;
      await writeFile(file, broken);
      await assert.rejects(recordResults(run('bench:live', 'p99  120'), file), (error: Error) => {
        assert.ok(error instanceof MalformedResultsFile, error.message);
        assert.match(error.message, problem);
        assert.match(error.message, /RESULTS\.md line \d+: /);
        assert.match(error.message, /not rewritten/);
        return true;
      });
      assert.equal(await readFile(file, 'utf8'), broken, 'the file is untouched');
    }
    assert.deepEqual(await readdir(dir), ['RESULTS.md'], 'no temporary file is left behind');
  });

  it('appends to a file without a trailing newline without joining lines', () => {
    const next = replaceSection('# Results\nno newline at the end', 'bench:live', 'body');
    assert.equal(
      next,
      '# Results\nno newline at the end\n\n<!-- results: bench:live -->\nbody\n<!-- end of results: bench:live -->\n',
    );
  });

  it('leaves out the targets block when a benchmark has no targets', () => {
    const body = sectionBody({ ...run('bench:event-ids', 'UUIDv4  1.8×'), targets: [] });
    assert.equal(body.match(/```text/g)?.length, 1);
    assert.doesNotMatch(body, /PASS|FAIL/);
  });

  it('gives the command as typed: through npm when npm started it, else through tsx, quoting what the shell would split', () => {
    const saved = process.env.npm_lifecycle_event;
    try {
      process.env.npm_lifecycle_event = 'bench:ingest';
      assert.equal(
        commandAsTyped('bench:ingest', 'bench/ingest.ts', ['--record', '--load', 'wrk']),
        'npm run bench:ingest -- --record --load wrk',
      );
      delete process.env.npm_lifecycle_event;
      assert.equal(
        commandAsTyped('bench:ingest', 'bench/ingest.ts', ['--scenarios', 'gen1,v2', '--note', "it's x"]),
        `npx tsx bench/ingest.ts --scenarios gen1,v2 --note 'it'\\''s x'`,
      );
    } finally {
      if (saved === undefined) delete process.env.npm_lifecycle_event;
      else process.env.npm_lifecycle_event = saved;
    }
  });
});
