/** A process that ends with events still queued sends them first, and still ends the way it would have. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ListeningTmon, startListeningTmon, storedIdCounts } from '../support/client-helpers.js';
import { REPO } from '../support/tmon-process.js';

/** Runs a script that tracks 3 events (ids `<prefix>-0..2`) and then does `ending`. */
async function runScript(dir: string, tmon: ListeningTmon, prefix: string, ending: string) {
  const file = path.join(dir, `${prefix}.ts`);
  await writeFile(
    file,
    `import { TmonClient } from ${JSON.stringify(path.join(REPO, 'clients/node/src/index.js'))};
const client = new TmonClient({ server: '${tmon.url}', wsid: ${tmon.service.id}, secret: '${tmon.service.secret}', flushIntervalMs: 60_000 });
for (let i = 0; i < 3; i++) client.track({ url: '/exit', ip: '81.2.69.142', useragent: 'exit-test', id: '${prefix}-' + i });
${ending}
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

function ended(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('the client at process exit', () => {
  let tmon: ListeningTmon;
  let dir: string;

  before(async () => {
    tmon = await startListeningTmon();
    dir = await mkdtemp(path.join(os.tmpdir(), 'tmon-exit-'));
  });
  after(async () => {
    await tmon.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends the queued events when the event loop runs dry, without keeping the process alive', async () => {
    const { child, output } = await runScript(dir, tmon, 'dry', '// nothing else: the process ends here');
    assert.deepEqual(await ended(child), { code: 0, signal: null }, output());
    const stored = await storedIdCounts(tmon);
    assert.deepEqual(
      [0, 1, 2].map((i) => stored.get(`dry-${i}`)),
      [1, 1, 1],
    );
  });

  it('sends the queued events on SIGTERM and then dies of the signal, as without the client', async () => {
    const { child, output } = await runScript(
      dir,
      tmon,
      'sigterm',
      "setInterval(() => {}, 1000); console.log('ready');",
    );
    await new Promise<void>((resolve) => child.stdout?.on('data', () => resolve()));
    child.kill('SIGTERM');
    assert.deepEqual(await ended(child), { code: null, signal: 'SIGTERM' }, output());
    const stored = await storedIdCounts(tmon);
    assert.deepEqual(
      [0, 1, 2].map((i) => stored.get(`sigterm-${i}`)),
      [1, 1, 1],
    );
  });
});
