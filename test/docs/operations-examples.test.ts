/**
 * The commands of docs/operations.md run as the page writes them, on an
 * install made for the test. What the test changes, and only that:
 *
 * - `tmon …` runs `node --import tsx src/main.ts …` (the CLI from the source);
 * - the page's paths (`/backups/…`, `/var/lib/…`, `install.ndjson`) are
 *   inside a temporary directory;
 * - the page's PostgreSQL (`postgres://tmon@db/tmon`) is a fresh schema of the
 *   test database (TMON_TEST_DATABASE_URL);
 * - `tmon serve` starts on a free port (`--port 0`) and is stopped once it
 *   answers.
 *
 * A block the test cannot run as written (a template with placeholders, say)
 * follows an `<!-- not run: REASON -->` line, and must give its reason.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CodeBlock, codeBlocks, SHELL_LANGUAGES } from '../support/markdown-blocks.js';
import { createTempSchema, TEST_DATABASE_URL, type TempPostgresSchema } from '../support/postgres-temp.js';
import { exited, REPO, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';

const PAGE_POSTGRES = 'postgres://tmon@db/tmon';

/** One command line of a block: `VAR=value … tmon ARGS`, split on spaces (the page quotes nothing). */
function commandOf(line: string): { env: Record<string, string>; args: string[] } {
  const words = line.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Z_]+=/.test(words[0]!)) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  assert.equal(words.shift(), 'tmon', `a tmon command: ${line}`);
  return { env, args: words };
}

describe('docs/operations.md examples', () => {
  let root: string;
  let blocks: CodeBlock[];
  let schema: TempPostgresSchema | undefined;
  let server: ServerProcess | undefined;

  /** the page's text with its paths and database put where the test keeps them */
  const localize = (text: string) =>
    text
      .replaceAll('/backups/', `${root}/backups/`)
      .replaceAll('/var/lib/', `${root}/var/lib/`)
      .replaceAll(' install.ndjson', ` ${root}/install.ndjson`)
      .replaceAll(PAGE_POSTGRES, schema ? `${schema.url}?schema=${schema.schema}` : PAGE_POSTGRES);

  /** runs every command of the block that holds `needle`, `tmon serve` in the background; answers their outputs */
  async function runBlock(needle: string): Promise<string[]> {
    const block = blocks.find((candidate) => candidate.code.includes(needle));
    assert.ok(block, `docs/operations.md has a block with ${needle}`);
    assert.equal(block.notRun, null, `the block with ${needle} is run`);
    const outputs: string[] = [];
    for (const line of localize(block.code)
      .split('\n')
      .filter((text) => text.trim() !== '')) {
      const { env, args } = commandOf(line);
      if (args[0] === 'serve') {
        const dataDir = args[args.indexOf('--data') + 1]!;
        server = await startServer(dataDir, env);
        outputs.push(server.output());
        continue;
      }
      const result = tmonCli(args, env);
      assert.equal(result.status, 0, `${line}\n${result.stdout}${result.stderr}`);
      outputs.push(result.stdout + result.stderr);
    }
    return outputs;
  }

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'tmon-operations-'));
    await mkdir(path.join(root, 'backups'));
    const markdown = await readFile(path.join(REPO, 'docs', 'operations.md'), 'utf8');
    blocks = codeBlocks(markdown, 'docs/operations.md', SHELL_LANGUAGES);
    const live = path.join(root, 'var/lib/tmon');
    assert.equal(tmonCli(['user', 'add', 'owner', '--password', 'owner-password-1', '--data', live]).status, 0);
    const added = tmonCli(['service', 'add', 'shop', '--owner', 'owner', '--json', '--data', live]);
    assert.equal(added.status, 0, added.stderr);
  });
  after(async () => {
    if (server) {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
    await schema?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('gives a reason for every shell block it does not run', () => {
    for (const block of blocks.filter((candidate) => candidate.notRun !== null)) {
      assert.notEqual(block.notRun, '', `docs/operations.md:${block.line} says why it is not run`);
    }
  });

  it('backs up a SQLite install, restores the copy and serves it', async () => {
    await runBlock('tmon backup --out');
    await runBlock('tmon restore');
    assert.ok(server, 'the restored install is served');
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    const restored = path.join(root, 'var/lib/tmon-restored');
    const services = tmonCli(['service', 'list', '--data', restored]);
    assert.match(services.stdout, /shop/, 'the restored copy holds the service');
  });

  it('moves a whole install to PostgreSQL with export --all and import --all', {
    skip: TEST_DATABASE_URL ? false : 'TMON_TEST_DATABASE_URL is not set: the import needs a PostgreSQL',
  }, async () => {
    schema = await createTempSchema(TEST_DATABASE_URL!);
    await runBlock('tmon export --all');
    const store = await schema.openStore();
    const users = await store.accounts.listUsers();
    assert.deepEqual(
      users.map((user) => user.name),
      ['owner'],
    );
    assert.equal((await store.accounts.listServices())[0]?.name, 'shop');
  });
});
