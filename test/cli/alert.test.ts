/**
 * tmon alert: rules and channels added, listed and removed on a real
 * database, bad input refused with its reason and nothing stored, and
 * `tmon alert test` sent by a running tmon to a real receiver (which
 * verifies the signature), delivered, or reported as not delivered.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { runCommand } from '../support/run-command.js';
import { exited, REPO, type ServerProcess, startServer, tmonCli } from '../support/tmon-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

describe('tmon alert', () => {
  let dataDir: string;
  let receiver: WebhookReceiver;
  const cli = (...args: string[]) => tmonCli([...args, '--data', dataDir]);
  /** without blocking this process: the receiver must answer meanwhile */
  const cliAsync = (args: string[], env: Record<string, string> = {}) =>
    runCommand(process.execPath, ['--import', 'tsx', path.join(REPO, 'src/main.ts'), ...args, '--data', dataDir], {
      cwd: REPO,
      timeoutMs: 60_000,
      env: { ...process.env, TMON_LOG_LEVEL: 'warn', ...env },
    });
  const rules = () => JSON.parse(cli('alert', 'list', 'shop', '--json').stdout) as { id: number; name: string }[];
  const channels = () => JSON.parse(cli('alert', 'channel', 'list', 'shop', '--json').stdout) as { id: number }[];

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'tmon-alert-cli-'));
    receiver = await startWebhookReceiver();
    assert.equal(cli('user', 'add', 'ann', '--password', 'ann-password-1').status, 0);
    assert.equal(cli('service', 'add', 'shop', '--owner', 'ann').status, 0);
  });
  after(async () => {
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('has its usage under tmon help alert', () => {
    const res = tmonCli(['help', 'alert']);
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /^tmon alert add SERVICE --kind /);
    assert.match(res.stdout, /tmon alert channel add SERVICE /);
    // a test notification's link is the command's setting: the help says so rather than leave it to a guess
    assert.match(res.stdout, /this command's\s+TMON_PUBLIC_URL/);
  });

  it('adds, lists and removes rules, by service name or id', () => {
    const added = cli(
      'alert',
      'add',
      'shop',
      '--kind',
      'error_share',
      '--threshold',
      '5',
      '--window',
      '10m',
      '--name',
      '5xx share',
      '--min-requests',
      '50',
      '--errors-from',
      '400',
      '--url-prefix',
      '/api',
      '--for',
      '2m',
      '--repeat',
      '1h',
      '--json',
    );
    assert.equal(added.status, 0, added.stderr);
    const rule = JSON.parse(added.stdout);
    assert.deepEqual(
      {
        name: rule.name,
        kind: rule.kind,
        threshold: rule.threshold,
        window_seconds: rule.window_seconds,
        min_requests: rule.min_requests,
        errors_from: rule.errors_from,
        url_prefix: rule.url_prefix,
        for_seconds: rule.for_seconds,
        repeat_minutes: rule.repeat_minutes,
        state: rule.state,
      },
      {
        name: '5xx share',
        kind: 'error_share',
        threshold: 5,
        window_seconds: 600,
        min_requests: 50,
        errors_from: 400,
        url_prefix: '/api',
        for_seconds: 120,
        repeat_minutes: 60,
        state: 'ok',
      },
    );
    const byId = cli('alert', 'add', '1', '--kind', 'silence', '--threshold', '0');
    assert.equal(byId.status, 0, byId.stderr);
    assert.match(byId.stdout, /^added rule \d+ "silence 0" to shop/);

    const listed = cli('alert', 'list', 'shop');
    assert.equal(listed.status, 0, listed.stderr);
    const lines = listed.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^\d+\t5xx share\terror_share 5 over 600 s on \/api\tok\tnot evaluated yet$/);
    assert.match(lines[1]!, /^\d+\tsilence 0\tsilence 0 over 300 s\tok/);

    const removed = cli('alert', 'remove', 'shop', String(rule.id));
    assert.equal(removed.status, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`removed rule ${rule.id} from shop`));
    assert.deepEqual(
      rules().map((r) => r.name),
      ['silence 0'],
    );
    const again = cli('alert', 'remove', 'shop', String(rule.id));
    assert.equal(again.status, 1);
    assert.match(again.stderr, /no alert rule/);
    for (const r of rules()) assert.equal(cli('alert', 'remove', 'shop', String(r.id)).status, 0);
  });

  // the module's own refusals (each setting's range) are tested in test/alerts/rule-validation.test.ts and
  // test/api/alerts.test.ts: here, the command's parsing and one refusal passed through
  it('refuses bad rules with their reason and stores nothing', () => {
    const cases: [string[], number, RegExp][] = [
      [['alert'], 2, /needs an action/],
      [['alert', 'mute', 'shop'], 2, /unknown action "alert mute"/],
      [['alert', 'add'], 2, /name the service/],
      [['alert', 'add', 'nowhere', '--kind', 'spike', '--threshold', '1'], 1, /no service "nowhere"/],
      [['alert', 'add', 'shop', '--threshold', '1'], 2, /--kind is required/],
      [['alert', 'add', 'shop', '--kind', 'spike', '--threshold', 'many'], 2, /--threshold takes a number/],
      [
        ['alert', 'add', 'shop', '--kind', 'spike', '--threshold', '1', '--window', 'soon'],
        2,
        /--window takes a duration/,
      ],
      [['alert', 'add', 'shop', '--kind', 'spike', '--threshold', '1', '--repeat', '90s'], 2, /whole minutes/],
      [['alert', 'add', 'shop', '--kind', 'spike', '--threshold', '1', '--window', '10s'], 1, /window_seconds/],
      [['alert', 'add', 'shop', '--kind', 'spike', '--threshold', '1', '--colour', 'red'], 2, /colour/],
      [['alert', 'remove', 'shop', 'first'], 2, /RULE_ID must be a positive integer/],
    ];
    for (const [args, status, reason] of cases) {
      const res = cli(...args);
      assert.equal(res.status, status, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, reason, args.join(' '));
    }
    assert.deepEqual(rules(), []);
  });

  it('adds, lists and removes channels; a webhook secret is printed once', () => {
    const added = cli(
      'alert',
      'channel',
      'add',
      'shop',
      '--kind',
      'webhook',
      '--target',
      receiver.url(),
      '--name',
      'ops',
    );
    assert.equal(added.status, 0, added.stderr);
    assert.match(
      added.stdout,
      /^added channel \d+ "ops" \(webhook\) to shop\nsigning secret \(shown this once\): whsec_/,
    );
    const slack = cli(
      'alert',
      'channel',
      'add',
      'shop',
      '--kind',
      'slack',
      '--target',
      'https://hooks.slack.com/services/T0/B0/abcdefghij',
      '--json',
    );
    assert.equal(slack.status, 0, slack.stderr);
    assert.equal(JSON.parse(slack.stdout).secret, null);
    const listed = cli('alert', 'channel', 'list', 'shop');
    assert.equal(listed.status, 0, listed.stderr);
    assert.doesNotMatch(listed.stdout, /whsec_|abcdefghij/);
    assert.match(
      listed.stdout,
      /\tops\twebhook\thttp:\/\/127\.0\.0\.1:\d+\/hook\n\d+\tslack\tslack\thttps:\/\/hooks\.slack\.com\/services\/T0\/B0\/abcd…/,
    );

    const bad: [string[], number, RegExp][] = [
      [['alert', 'channel', 'add', 'shop', '--kind', 'sms', '--target', 'x'], 1, /kind is one of/],
      [['alert', 'channel', 'add', 'shop', '--kind', 'email', '--target', 'nobody'], 1, /not an e-mail address/],
      [['alert', 'channel', 'add', 'shop', '--kind', 'webhook'], 2, /--target is required/],
      [['alert', 'channel', 'drop', 'shop'], 2, /unknown action "alert channel drop"/],
      [['alert', 'channel', 'remove', 'shop', '999'], 1, /no channel with id 999/],
    ];
    for (const [args, status, reason] of bad) {
      const res = cli(...args);
      assert.equal(res.status, status, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, reason, args.join(' '));
    }
    assert.equal(channels().length, 2);
    const slackId = JSON.parse(slack.stdout).channel.id;
    const removed = cli('alert', 'channel', 'remove', 'shop', String(slackId));
    assert.equal(removed.status, 0, removed.stderr);
    assert.equal(channels().length, 1);
  });

  it('sends a test through the running tmon, waits for the outcome, and exits 1 when not delivered', async () => {
    const secret = /whsec_\S+/.exec(
      cli('alert', 'channel', 'add', 'shop', '--kind', 'webhook', '--target', receiver.url('/second')).stdout,
    )?.[0];
    assert.ok(secret);
    const server: ServerProcess = await startServer(dataDir, { TMON_ALERT_PRIVATE_TARGETS: '1' });
    try {
      // the command makes the notification, so its TMON_PUBLIC_URL gives the link
      const sent = await cliAsync(['alert', 'test', 'shop'], { TMON_PUBLIC_URL: 'https://example.com/tmon/' });
      assert.equal(sent.status, 0, sent.stderr + server.output());
      const lines = sent.stdout.trim().split('\n');
      assert.equal(lines.length, 2);
      for (const line of lines) assert.match(line, /^channel \d+ "\S+" \(webhook\): delivered status 200$/);
      assert.equal(receiver.received.length, 2);
      const second = receiver.received.find((r) => r.path === '/second');
      const notification = new Webhook(secret).verify(second!.body, second!.headers as Record<string, string>) as {
        type: string;
        service: { id: number };
        dashboard_url: string | null;
      };
      assert.equal(notification.type, 'alert.test');
      assert.equal(notification.dashboard_url, `https://example.com/tmon/view/dashboard/${notification.service.id}`);

      // one channel, a receiver answering 500: retried later, so not delivered within the wait
      const [first] = channels();
      receiver.answer({ status: 500, body: 'down for maintenance' });
      const failed = await cliAsync(['alert', 'test', 'shop', '--channel', String(first!.id), '--json']);
      assert.equal(failed.status, 1, failed.stderr);
      const [outcome] = JSON.parse(failed.stdout);
      assert.equal(outcome.channel_id, first!.id);
      assert.equal(outcome.status, 'pending');
      assert.equal(outcome.last_status, 500);
      assert.ok(outcome.attempts >= 1);
      assert.match(failed.stderr, /1 of 1 test notifications not delivered/);
      // without TMON_PUBLIC_URL the notification has no link
      assert.equal(JSON.parse(receiver.received.at(-1)?.body ?? '{}').dashboard_url, null);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
    const none = cli('alert', 'test', 'shop', '--channel', '999');
    assert.equal(none.status, 1);
    assert.match(none.stderr, /shop has no channel 999/);
  });
});
