/**
 * An acknowledged event survives kill -9 the instant after the
 * answer. Senders post concurrently to a real `tmon serve`, the server is
 * SIGKILLed mid-stream, and after a restart every acknowledged event is
 * stored exactly once. Both places of the SQLite writer: its own thread and
 * the HTTP thread (TMON_SQLITE_WRITER).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { gen2Body, v2Body } from '../support/senders.js';
import { exited, startServer, tmonCli } from '../support/tmon-process.js';

const SENDERS = 16;
const BATCH = 10;

for (const writer of ['thread', 'inline']) {
  describe(`durability, SQLite writer ${writer}`, () => {
    const env = { TMON_SQLITE_WRITER: writer };
    let dataDir: string;
    let secret: string;

    before(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-durability-'));
      tmonCli(['user', 'add', 'owner', '--password', 'owner-password-1', '--data', dataDir]);
      secret = JSON.parse(
        tmonCli(['service', 'add', 'shop', '--owner', 'owner', '--json', '--data', dataDir]).stdout,
      ).secret;
    });
    after(() => rm(dataDir, { recursive: true, force: true }));

    it('keeps every acknowledged event, exactly once, across kill -9 mid-stream', async () => {
      const server = await startServer(dataDir, env);
      const place = writer === 'inline' ? 'SQLite writer on the HTTP thread' : 'SQLite writer on its own thread';
      assert.match(
        server.output(),
        new RegExp(`listening on .*\\(testing, data in .*, ${place} \\(TMON_SQLITE_WRITER=${writer}\\)\\)`),
      );
      const acknowledged: string[] = [];
      let sent = 0;
      let stop = false;

      async function sender(n: number): Promise<void> {
        for (let round = 0; !stop; round++) {
          const ids = Array.from({ length: round % 2 === 0 ? BATCH : 1 }, (_, i) => `s${n}-r${round}-e${i}`);
          const events = ids.map((id) => ({ url: `/p/${round}`, ip: '8.8.8.8', useragent: 'durability-test', id }));
          const body =
            events.length === 1
              ? { type: 'application/x-www-form-urlencoded', payload: gen2Body(1, secret, events[0]!) }
              : { type: 'application/json', payload: v2Body(1, secret, events, Date.now()) };
          sent += events.length;
          try {
            const res = await fetch(`${server.url}/data/collect`, {
              method: 'POST',
              headers: { 'content-type': body.type },
              body: body.payload,
            });
            if (res.status === 200) acknowledged.push(...ids);
            else await res.body?.cancel();
          } catch {
            // the connection died with the server: this request was never acknowledged, which is the point
            return;
          }
        }
      }

      const senders = Array.from({ length: SENDERS }, (_, n) => sender(n));
      // let traffic build up, then kill without warning while requests are in flight
      while (acknowledged.length < 2_000) await new Promise((r) => setTimeout(r, 20));
      server.child.kill('SIGKILL');
      await exited(server.child);
      stop = true;
      await Promise.all(senders);
      assert.ok(sent > acknowledged.length, 'some requests were in flight when the server died');

      // a restart must find the database intact
      const restarted = await startServer(dataDir, env);
      restarted.child.kill('SIGTERM');
      assert.equal(await exited(restarted.child), 0, restarted.output());

      const db = new Database(path.join(dataDir, 'tmon.sqlite'), { readonly: true });
      try {
        const stored = new Map<string, number>();
        for (const row of db
          .prepare('SELECT event_key AS id, COUNT(*) AS n FROM events GROUP BY event_key')
          .iterate()) {
          const { id, n } = row as { id: string; n: number };
          stored.set(id, n);
        }
        const missing = acknowledged.filter((id) => !stored.has(id));
        assert.deepEqual(missing, [], `${missing.length} acknowledged events were lost`);
        const duplicated = [...stored].filter(([, n]) => n > 1);
        assert.deepEqual(duplicated, []);
      } finally {
        db.close();
      }
    });

    it('commits every queued event on SIGTERM and exits 0', async () => {
      const server = await startServer(dataDir, env);
      const answers = Array.from({ length: 50 }, (_, i) =>
        fetch(`${server.url}/data/collect`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: gen2Body(1, secret, { url: '/term', ip: '1.1.1.1', useragent: 'x', id: `term-${i}` }),
        }).then((res) => res.status),
      );
      const statuses = await Promise.all(answers);
      server.child.kill('SIGTERM');
      assert.equal(await exited(server.child), 0, server.output());
      const db = new Database(path.join(dataDir, 'tmon.sqlite'), { readonly: true });
      try {
        const { n } = db.prepare("SELECT COUNT(*) AS n FROM events WHERE event_key LIKE 'term-%'").get() as {
          n: number;
        };
        assert.equal(n, statuses.filter((s) => s === 200).length);
        assert.equal(n, 50);
      } finally {
        db.close();
      }
    });
  });
}
