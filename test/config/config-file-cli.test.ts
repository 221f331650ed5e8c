/** The config file as the commands read it: `tmon serve --config FILE`, and TMON_CONFIG for every command. */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tmonCli } from '../support/tmon-process.js';

describe('the config file on the command line', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-config-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tmon serve --config lists every problem of the file with its line, quoting no secret, and exits 1', async () => {
    const file = path.join(dir, 'broken.conf');
    await writeFile(
      file,
      '# broken on purpose\nTMON_PORT=eighty\nTMON_ADMIN_PASSWORD hunter2-secret\nTMON_SESION_DAYS=3\n' +
        'TMON_PUBLIC_URL=https://ann:hunter3@tmon.example.com\n',
      { mode: 0o600 },
    );
    await chmod(file, 0o600);
    const result = tmonCli(['serve', '--config', file]);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /--port\/TMON_PORT must be an integer from 0 to 65535, got "eighty" \(.*broken\.conf line 2\)/,
    );
    assert.match(result.stderr, /broken\.conf line 3: not a TMON_NAME=value line/);
    assert.match(result.stderr, /broken\.conf line 4: unknown setting TMON_SESION_DAYS/);
    assert.match(
      result.stderr,
      /TMON_PUBLIC_URL must not hold user:password@, got "https:\/\/\*\*\*@tmon\.example\.com" \(.*broken\.conf line 5\)/,
    );
    assert.doesNotMatch(result.stderr, /hunter2|hunter3/);
  });

  it('tmon serve --config warns about a file every user may read even when its settings are refused', async () => {
    const file = path.join(dir, 'readable-and-broken.conf');
    await writeFile(file, 'TMON_PORT=eighty\n');
    await chmod(file, 0o644);
    const result = tmonCli(['serve', '--config', file]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /warning: the config file .* is readable by every user/);
    assert.match(result.stderr, /TMON_PORT must be an integer/);
  });

  it("tmon serve --config uses the file's settings, and warns that every user may read it", async () => {
    // the file names a port something else holds: tmon must try that port, so it fails at once with its line
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    const file = path.join(dir, 'readable.conf');
    await writeFile(file, `TMON_PORT=${port}\nTMON_DATA_DIR=${path.join(dir, 'data')}\n`);
    await chmod(file, 0o644);
    try {
      const result = tmonCli(['serve', '--config', file]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(result.stdout, /readable by every user of this machine .*chmod 640/);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('every command reads the file TMON_CONFIG names', async () => {
    const data = path.join(dir, 'named-by-file');
    const file = path.join(dir, 'admin.conf');
    await writeFile(file, `TMON_DATA_DIR="${data}"\n`, { mode: 0o640 });
    const added = tmonCli(['user', 'add', 'carol', '--password', 'carol-password-1'], { TMON_CONFIG: file });
    assert.equal(added.status, 0, added.stderr);
    const listed = tmonCli(['user', 'list', '--json', '--data', data]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.deepEqual(
      (JSON.parse(listed.stdout) as { name: string }[]).map((user) => user.name),
      ['carol'],
    );
  });
});
