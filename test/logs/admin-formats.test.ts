/**
 * The log format lines and the `tmon logs follow` command the admin page
 * shows (ui/src/admin/access-log-setup.ts) work together: tmon's parser
 * compiles the pasted configuration line and the command's --format alike,
 * both read a line as the web server writes it with that format, and the
 * shell hands the command's --format to tmon unchanged.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { compileLogFormat } from '../../src/logs/formats.js';
import { isLogRefusal, type LogLineResult, type LogRecord } from '../../src/logs/log-record.js';
import { accessLogSetup, followCommand, type WebServer } from '../../ui/src/admin/access-log-setup.js';

const REQUEST =
  '[07/Dec/2026:13:55:36 +0100] "GET /shop/cart?item=3 HTTP/1.1" 200 512 "https://example.com/" "curl/8.5.0"';

/** a line as each server writes it with the format the page gives: the duration last, then X-Forwarded-For */
const LINES: Record<WebServer, { plain: string; behindProxy: string; durationMs: number }> = {
  nginx: {
    plain: `203.0.113.7 - ann ${REQUEST} 0.123`,
    behindProxy: `10.0.0.2 - ann ${REQUEST} 0.123 "198.51.100.9, 10.0.0.1"`,
    durationMs: 123,
  },
  apache: {
    plain: `203.0.113.7 - ann ${REQUEST} 123000`,
    behindProxy: `10.0.0.2 - ann ${REQUEST} 123000 "198.51.100.9, 10.0.0.1"`,
    durationMs: 123,
  },
};

function record(result: LogLineResult): LogRecord {
  assert.ok(!isLogRefusal(result), `refused: ${isLogRefusal(result) ? result.message : ''}`);
  return result;
}

/** the command's words as /bin/sh splits them */
function shellWords(command: string): string[] {
  const output = execFileSync('/bin/sh', ['-c', `set -- ${command}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  return output.split('\0').slice(0, -1);
}

for (const server of ['nginx', 'apache'] as const) {
  for (const behindProxy of [false, true]) {
    describe(`the admin page's ${server} setup${behindProxy ? ' behind a proxy' : ''}`, () => {
      const setup = accessLogSetup(server, behindProxy);
      const options = { clientFromForwardedFor: behindProxy };
      const line = behindProxy ? LINES[server].behindProxy : LINES[server].plain;

      it('gives a format that reads the client, the request and its duration', () => {
        const parsed = record(compileLogFormat(setup.format, options)(line));
        assert.equal(parsed.ip, behindProxy ? '198.51.100.9' : '203.0.113.7');
        assert.equal(parsed.url, '/shop/cart?item=3');
        assert.equal(parsed.method, 'GET');
        assert.equal(parsed.status, 200);
        assert.equal(parsed.username, 'ann');
        assert.equal(parsed.referrer, 'https://example.com/');
        assert.equal(parsed.useragent, 'curl/8.5.0');
        assert.equal(parsed.duration_ms, LINES[server].durationMs);
        assert.equal(parsed.ts, Date.UTC(2026, 11, 7, 12, 55, 36));
      });

      it('defines that same format in the configuration line to paste', () => {
        const [definition, logLine] = setup.configLines;
        assert.ok(definition && logLine);
        const fromDefinition = record(compileLogFormat(definition, options)(line));
        assert.deepEqual(fromDefinition, record(compileLogFormat(setup.format, options)(line)));
        assert.ok(logLine.includes(setup.logPath.split('/').pop()!), logLine);
        assert.ok(logLine.endsWith(server === 'nginx' ? ' tmon;' : ' tmon'), logLine);
      });

      it('puts that format in the follow command, which the shell passes on unchanged', () => {
        const command = followCommand({ setup, behindProxy, server: 'https://tmon.example.com', token: 'tmon_abc123' });
        const words = shellWords(command);
        assert.deepEqual(words.slice(0, 3), ['tmon', 'logs', 'follow']);
        assert.equal(words[3], setup.logPath);
        assert.equal(words[words.indexOf('--server') + 1], 'https://tmon.example.com');
        assert.equal(words[words.indexOf('--token') + 1], 'tmon_abc123');
        assert.equal(words[words.indexOf('--format') + 1], setup.format);
        assert.equal(words.includes('--forwarded-for'), behindProxy);
      });
    });
  }
}
