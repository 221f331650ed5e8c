/**
 * The shell blocks of docs/getting-started.md and of the README's quick start
 * run, in order, as a newcomer types them, against a real `tmon serve` started
 * the way the page describes (first start, no admin password set, data in
 * ./data of the directory it runs in). What the test changes, and only that:
 *
 * - `npm run tmon -- …` runs `node --import tsx src/main.ts …` (the command
 *   `npm run tmon` runs, from the source instead of a build in dist/);
 * - `http://localhost:8000` becomes the test server's address (a free port),
 *   which is also the `TMON_SERVER` the senders see;
 * - the example secret a page shows becomes the one tmon made, taken from the
 *   output of the page's own `service add`;
 * - a load run of `--duration 30` lasts half a second (fewer events than the
 *   500 latest ones, among which the test looks for the page's first event).
 *
 * A `# …` line after the commands is the output the page promises, compared
 * with what the commands printed. A block the test cannot run as written
 * (it installs packages, say) follows an `<!-- not run: REASON -->` line, and
 * must give its reason.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CodeBlock, codeBlocks, SHELL_LANGUAGES } from '../support/markdown-blocks.js';
import { exited, listeningServer, REPO, type ServerProcess } from '../support/tmon-process.js';

/** Fenced sh/bash/shell blocks of `markdown`, with their not-run reasons. */
function shellBlocks(markdown: string, page: string, firstLine = 1): CodeBlock[] {
  return codeBlocks(markdown, page, SHELL_LANGUAGES, firstLine);
}

/** The README's "Quick start" section, and the line it starts on. */
function quickStart(readme: string): { text: string; firstLine: number } {
  const start = readme.indexOf('\n## Quick start\n');
  assert.ok(start >= 0, 'README.md has a "## Quick start" section');
  const end = readme.indexOf('\n## ', start + 1);
  return {
    text: readme.slice(start + 1, end < 0 ? undefined : end),
    firstLine: readme.slice(0, start + 1).split('\n').length,
  };
}

const TSX = import.meta.resolve('tsx');
const MAIN = path.join(REPO, 'src', 'main.ts');

/** `npm run tmon -- ARGS` as `npm run tmon` runs it; any other npm command is a block to mark as not run. */
const NPM_SHIM = `npm() {
  if [ "$1" = run ] && [ "$2" = tmon ] && [ "$3" = -- ]; then
    shift 3
    node --import "$TMON_TEST_TSX" "$TMON_TEST_MAIN" "$@"
    return
  fi
  echo "this test runs only 'npm run tmon -- …'; mark the block <!-- not run: REASON --> (got: npm $*)" >&2
  return 127
}`;

/** The environment of the commands: none of the test machine's TMON_* settings, the test server for senders. */
function commandEnv(server: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TMON_')));
  return {
    ...env,
    TMON_LOG_LEVEL: 'warn',
    TMON_SERVER: server,
    TMON_TEST_TSX: TSX,
    TMON_TEST_MAIN: MAIN,
  };
}

/** `tmon serve` on a free port in `dir`, as on a first start: no admin password set, data in ./data. */
function startFirstTime(dir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'serve', '--port', '0'], {
    cwd: dir,
    env: commandEnv(''),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return listeningServer(child);
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, timeout: 90_000 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${error.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`))
        : resolve({ stdout, stderr }),
    ),
  );
}

/** Output lines compared as a reader sees them: columns of spaces are one space. */
const normalize = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '');

const EXAMPLE_SERVER = 'http://localhost:8000';

/** Runs one page's blocks in order against a first-started tmon of its own. */
function describePage(title: string, load: () => Promise<CodeBlock[]>): void {
  describe(title, () => {
    let dir: string;
    let server: ServerProcess;
    let blocks: CodeBlock[];
    /** the page's example secret → the one tmon made */
    const secrets = new Map<string, string>();
    /** `NAME=value` lines of blocks already run: a reader's shell still has them */
    const assignments: string[] = [];
    const outputs: { code: string; stdout: string }[] = [];

    const rewrite = (text: string) => {
      let out = text.replaceAll(EXAMPLE_SERVER, server.url).replaceAll('--duration 30', '--duration 0.5');
      for (const [example, real] of secrets) out = out.replaceAll(example, real);
      return out;
    };

    before(async () => {
      blocks = await load();
      dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-getting-started-'));
      server = await startFirstTime(dir);
    });
    after(async () => {
      server?.child.kill('SIGTERM');
      if (server) assert.equal(await exited(server.child), 0, server.output());
      await rm(dir, { recursive: true, force: true });
    });

    it('starts as the page says: a random admin password printed once, data in ./data', () => {
      assert.match(server.output(), /password \S{12,} {2}\(shown once: keep it\)/);
      assert.ok(existsSync(path.join(dir, 'data')), 'the data directory is ./data');
    });

    it('runs every shell block as written, in order, with the output the page shows', async () => {
      const run = blocks.filter((b) => b.notRun === null);
      assert.ok(run.length >= 2, `${title} has shell blocks to run`);
      for (const block of run) {
        const commands = block.code
          .split('\n')
          .filter((line) => !line.startsWith('#'))
          .join('\n');
        const expected = block.code
          .split('\n')
          .filter((line) => line.startsWith('# '))
          .map((line) => line.slice(2));
        const where = `${block.page} line ${block.line}`;
        const { stdout } = await bash(
          [NPM_SHIM, ...assignments, rewrite(commands)].join('\n'),
          dir,
          commandEnv(server.url),
        ).catch((error: Error) => assert.fail(`${where} failed:\n${block.code}\n${error.message}`));
        outputs.push({ code: block.code, stdout });
        if (expected.length > 0) {
          const actual = normalize(stdout);
          for (const [i, line] of expected.entries()) {
            const example = /^secret\s+(\S+)$/.exec(line.trim());
            const made = /^secret (\S+)$/.exec(actual[i] ?? '');
            if (example && made) secrets.set(example[1]!, made[1]!);
          }
          assert.deepEqual(actual, normalize(rewrite(expected.join('\n'))), `the output ${where} shows`);
        }
        for (const line of commands.split('\n'))
          if (/^[A-Z_][A-Z0-9_]*=\S*$/.test(line)) assignments.push(rewrite(line));
      }
    });

    it('answers every http://localhost:8000 address the page names (a page, or the login it asks for)', async () => {
      const text = await pageText(title);
      const addresses = [...new Set(text.match(/http:\/\/localhost:8000\/[^\s`)"']*/g) ?? [])];
      assert.ok(addresses.length > 0, `${title} names the addresses to open`);
      for (const address of addresses) {
        const answer = await fetch(rewrite(address), { redirect: 'manual' });
        const location = answer.headers.get('location') ?? '';
        assert.ok(
          answer.status === 200 || (answer.status >= 300 && answer.status < 400 && location.startsWith('/login')),
          `${address}: ${answer.status} ${location}`,
        );
      }
    });

    it('reads the event it sent with the token it made', async (t) => {
      const tokenBlock = outputs.find((o) => /tmon -- token add/.test(o.code));
      const sent = outputs.find((o) => /tmon -- send /.test(o.code));
      if (!tokenBlock || !sent) return t.skip(`${title} makes no token after sending`);
      const token = tokenBlock.stdout.trim();
      const answer = await fetch(`${server.url}/1/data/latest?limit=500`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(answer.status, 200);
      const body = (await answer.json()) as { results: { url: string; username: string | null }[] };
      assert.ok(
        body.results.some((event) => event.url === '/hello' && event.username === 'ann'),
        JSON.stringify(body).slice(0, 500),
      );
    });
  });
}

const GETTING_STARTED = path.join(REPO, 'docs', 'getting-started.md');
const README = path.join(REPO, 'README.md');

async function pageText(title: string): Promise<string> {
  if (title.startsWith('docs/getting-started.md')) return readFile(GETTING_STARTED, 'utf8');
  return quickStart(await readFile(README, 'utf8')).text;
}

async function gettingStartedBlocks(): Promise<CodeBlock[]> {
  return shellBlocks(await readFile(GETTING_STARTED, 'utf8'), 'docs/getting-started.md');
}

async function quickStartBlocks(): Promise<CodeBlock[]> {
  const { text, firstLine } = quickStart(await readFile(README, 'utf8'));
  return shellBlocks(text, 'README.md', firstLine);
}

describe('the getting-started commands', () => {
  it('gives a reason for every shell block it does not run', async () => {
    const blocks = [...(await gettingStartedBlocks()), ...(await quickStartBlocks())];
    assert.ok(blocks.length >= 4, 'the pages have shell blocks');
    for (const block of blocks) {
      if (block.notRun === null) continue;
      assert.ok(block.notRun.length >= 10, `${block.page} line ${block.line}: <!-- not run: … --> needs a reason`);
    }
  });
});

describePage('docs/getting-started.md', gettingStartedBlocks);
describePage('README.md quick start', quickStartBlocks);
