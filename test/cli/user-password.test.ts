/** tmon user add|passwd take the password without a command line: --password-stdin, or a prompt on a terminal. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../src/accounts/passwords.js';
import { passwordFrom } from '../../src/cli/password-input.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { REPO } from '../support/tmon-process.js';

const MAIN = path.join(REPO, 'src/main.ts');
const ENV = { ...process.env, TMON_LOG_LEVEL: 'warn' };
/** util-linux's script(1) runs a command on a pseudo-terminal: the only way to give it a real terminal from a test */
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

async function passwordMatches(dataDir: string, name: string, password: string): Promise<boolean> {
  const store = await openSqliteStore({ dataDir });
  try {
    const user = await store.accounts.findUserByName(name);
    assert.ok(user, `user ${name} exists`);
    return await verifyPassword(user.passwordHash, password);
  } finally {
    await store.close();
  }
}

/** The CLI with `input` on its stdin (a pipe, not a terminal). */
function cliWithInput(args: string[], input: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: REPO,
    env: ENV,
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

/** Runs the CLI on a pseudo-terminal, answers each prompt once it appears, and resolves with everything shown. */
function cliOnTerminal(args: string[], answers: string[]): Promise<{ status: number | null; shown: string }> {
  const command = [process.execPath, '--import', 'tsx', MAIN, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: REPO, env: ENV });
  let shown = '';
  let prompts = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    shown += chunk.toString();
    // answer only once the prompt is up: the terminal is in no-echo mode from then on
    const asked = (shown.match(/password for \S+: |the same again: /g) ?? []).length;
    while (prompts < asked && prompts < answers.length) {
      child.stdin.write(`${answers[prompts]}\r`);
      prompts += 1;
    }
  });
  const killer = setTimeout(() => child.kill(), 30_000);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      clearTimeout(killer);
      resolve({ status, shown });
    });
  });
}

describe('passwords of tmon user add and passwd', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-user-password-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('reads the first line of stdin with --password-stdin, for add and passwd', async () => {
    const added = cliWithInput(['user', 'add', 'ann', '--password-stdin', '--data', dataDir], 'ann-password-1\n');
    assert.equal(added.status, 0, added.stderr);
    assert.ok(await passwordMatches(dataDir, 'ann', 'ann-password-1'));
    const changed = cliWithInput(['user', 'passwd', 'ann', '--password-stdin', '--data', dataDir], 'new-password-2');
    assert.equal(changed.status, 0, changed.stderr);
    assert.ok(await passwordMatches(dataDir, 'ann', 'new-password-2'));
  });

  it('still takes --password PW', async () => {
    const res = cliWithInput(['user', 'add', 'ben', '--password', 'ben-password-1', '--data', dataDir], '');
    assert.equal(res.status, 0, res.stderr);
    assert.ok(await passwordMatches(dataDir, 'ben', 'ben-password-1'));
  });

  it('refuses an empty stdin, and a missing password when stdin is not a terminal', () => {
    const empty = cliWithInput(['user', 'add', 'cat', '--password-stdin', '--data', dataDir], '');
    assert.equal(empty.status, 1);
    assert.match(empty.stderr, /stdin was empty/);
    const none = cliWithInput(['user', 'add', 'cat', '--data', dataDir], 'typed-ahead\n');
    assert.equal(none.status, 2);
    assert.match(none.stderr, /--password-stdin \(or --password PW\) is needed when stdin is not a terminal/);
  });

  it('prompts twice on a terminal without showing the password', {
    skip: !HAS_SCRIPT && 'script(1) from util-linux is not installed',
  }, async () => {
    const res = await cliOnTerminal(['user', 'add', 'dan', '--data', dataDir], ['dan-password-1', 'dan-password-1']);
    assert.equal(res.status, 0, res.shown);
    assert.match(res.shown, /password for dan: [\s\S]*the same again: [\s\S]*created user dan/);
    assert.ok(!res.shown.includes('dan-password-1'), `the password was shown:\n${res.shown}`);
    assert.ok(await passwordMatches(dataDir, 'dan', 'dan-password-1'));
  });

  it('changes nothing when the two typed passwords differ', {
    skip: !HAS_SCRIPT && 'script(1) from util-linux is not installed',
  }, async () => {
    const res = await cliOnTerminal(
      ['user', 'passwd', 'dan', '--data', dataDir],
      ['other-password-1', 'other-password-2'],
    );
    assert.notEqual(res.status, 0);
    assert.match(res.shown, /the two passwords differ: nothing was changed/);
    assert.ok(await passwordMatches(dataDir, 'dan', 'dan-password-1'));
  });

  it('handles Backspace and Ctrl-U in the prompt, and turns raw mode off afterwards', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
    const terminal = Object.assign(input, {
      setRawMode(raw: boolean) {
        input.rawModes.push(raw);
        return input;
      },
    });
    let shown = '';
    const output = { write: (text: string) => (shown += text) };
    const answer = passwordFrom({}, 'eve', { input: terminal, output });
    terminal.write('wrong\u0015pass\u007fsword-9\r');
    await new Promise((resolve) => setImmediate(resolve));
    terminal.write('password-9\n');
    assert.equal(await answer, 'password-9');
    assert.equal(shown, 'password for eve: \nthe same again: \n');
    assert.deepEqual(terminal.rawModes, [true, false, true, false]);
  });
});
