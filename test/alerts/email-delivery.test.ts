import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Harness, startHarness } from '../support/alert-delivery-harness.js';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.js';
import { closedPort } from '../support/webhook-receiver.js';

/** a header's value in a raw message (unfolded) */
function header(raw: string, name: string): string | undefined {
  const head = raw.split('\r\n\r\n')[0]?.replace(/\r\n[ \t]+/g, ' ') ?? '';
  return head
    .split('\r\n')
    .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();
}

describe('alert e-mails', () => {
  let smtp: SmtpReceiver;
  let h: Harness;
  beforeEach(async () => {
    smtp = await startSmtpReceiver();
    h = await startHarness({ smtp: { url: smtp.url, from: 'tmon <alerts@tmon.example.com>' }, timeoutMs: 2_000 });
  });
  afterEach(async () => {
    await h.close();
    await smtp.close();
    assert.deepEqual(h.errors, []);
  });

  it('are received by a real SMTP server, from TMON_SMTP_FROM, to every address of the channel', async () => {
    const channel = await h.addChannel('email', 'ops@example.com, Oncall@Example.org');
    assert.equal(channel.target, 'ops@example.com, Oncall@Example.org');
    await h.queueFired(channel.id);
    assert.equal(await h.worker.runOnce(), 1);
    assert.equal(smtp.received.length, 1);
    const [mail] = smtp.received;
    assert.equal(mail?.from, 'alerts@tmon.example.com');
    // domains are case-blind: nodemailer sends them in lower case
    assert.deepEqual(mail?.to, ['ops@example.com', 'Oncall@example.org']);
    const raw = mail?.raw ?? '';
    assert.equal(header(raw, 'Subject'), '[tmon] Firing: traffic spike (shop)');
    assert.equal(header(raw, 'From'), 'tmon <alerts@tmon.example.com>');
    assert.equal(header(raw, 'To'), 'ops@example.com, Oncall@example.org');
    const body = raw.split('\r\n\r\n').slice(1).join('\r\n\r\n');
    assert.match(body, /shop: 1,240 requests in 5 min, above 1,000 \(spike rule "traffic spike"\)/);
    assert.match(body, /Rule: traffic spike \(spike, threshold 1000, window 300 s\)/);
    assert.match(body, /URL prefix: \/api/);
    assert.match(body, new RegExp(`Dashboard: https://tmon\\.example\\.com/view/dashboard/${h.service.id}`));
    const [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'delivered');
    assert.equal(logged?.lastStatus, 250);
    assert.match(logged?.lastAnswer ?? '', /^250 /);
  });

  it('gives up on a message the server refuses for good (5xx), and retries one it defers (4xx)', async () => {
    const channel = await h.addChannel('email', 'ops@example.com');
    smtp.refuseNext(550, 'mailbox unavailable');
    await h.queueFired(channel.id);
    await h.worker.runOnce();
    let [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'gave_up');
    assert.equal(logged?.lastStatus, 550);
    assert.match(logged?.lastError ?? '', /mailbox unavailable/);

    smtp.refuseNext(451, 'try again later');
    await h.queueFired(channel.id);
    await h.worker.runOnce();
    [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'pending');
    assert.equal(logged?.lastStatus, 451);
    h.clock.advance(10_000);
    await h.worker.runOnce();
    [logged] = await h.log(channel.id);
    assert.equal(logged?.status, 'delivered');
    assert.equal(smtp.received.length, 1);
  });
});

describe('alert e-mails without TMON_PUBLIC_URL', () => {
  it('have no Dashboard line', async () => {
    const smtp = await startSmtpReceiver();
    const h = await startHarness({ smtp: { url: smtp.url, from: 'alerts@tmon.example.com' }, publicUrl: null });
    try {
      const channel = await h.addChannel('email', 'ops@example.com');
      await h.queueFired(channel.id);
      assert.equal(await h.worker.runOnce(), 1);
      const raw = smtp.received[0]?.raw ?? '';
      assert.match(raw, /Rule: traffic spike \(spike, threshold 1000, window 300 s\)/);
      assert.doesNotMatch(raw, /Dashboard:|view\/dashboard/);
      assert.deepEqual(h.errors, []);
    } finally {
      await h.close();
      await smtp.close();
    }
  });
});

describe('alert e-mails without a reachable SMTP server', () => {
  it('retry when the server is down, and when TMON_SMTP_URL is not set', async () => {
    const down = await startHarness({ smtp: { url: `smtp://127.0.0.1:${await closedPort()}`, from: 'a@b.example' } });
    const unset = await startHarness({});
    try {
      for (const h of [down, unset]) {
        const channel = await h.addChannel('email', 'ops@example.com');
        await h.queueFired(channel.id);
        await h.worker.runOnce();
        const [logged] = await h.log(channel.id);
        assert.equal(logged?.status, 'pending');
        assert.equal(logged?.lastStatus, null);
      }
      assert.match((await down.log(1))[0]?.lastError ?? '', /ECONNECTION|ECONNREFUSED/);
      assert.equal(
        (await unset.log(1))[0]?.lastError,
        'e-mail is not set up: TMON_SMTP_URL and TMON_SMTP_FROM are not set',
      );
    } finally {
      await down.close();
      await unset.close();
    }
  });
});

describe('alert e-mails to an SMTP server that never answers', () => {
  it('time out at the attempt deadline and are retried', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const h = await startHarness({ smtp: { url: `smtp://127.0.0.1:${port}`, from: 'a@b.example' }, timeoutMs: 500 });
    try {
      const channel = await h.addChannel('email', 'ops@example.com');
      await h.queueFired(channel.id);
      const started = performance.now();
      await h.worker.runOnce();
      const took = performance.now() - started;
      assert.ok(took >= 450 && took < 3_000, `${took} ms with a 500 ms deadline`);
      const [logged] = await h.log(channel.id);
      assert.equal(logged?.status, 'pending');
      assert.match(logged?.lastError ?? '', /^ETIMEDOUT: /);
    } finally {
      await h.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
