import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileLogFormat, PRESET_FORMATS } from '../../src/logs/formats.js';
import { isLogRefusal, type LineParser, LogFormatError, type LogLineResult } from '../../src/logs/log-record.js';

const COMBINED_LINE =
  '192.0.2.1 - ann [07/Dec/2026:10:15:32 +0000] "GET /a?b=1 HTTP/1.1" 200 512 "https://example.org/" "say \\"hi\\""';
const EXPECTED = {
  url: '/a?b=1',
  ip: '192.0.2.1',
  useragent: 'say "hi"',
  username: 'ann',
  ts: Date.UTC(2026, 11, 7, 10, 15, 32),
  method: 'GET',
  status: 200,
  duration_ms: null,
  referrer: 'https://example.org/',
  extra: { bytes: 512 },
};

function parsed(result: LogLineResult) {
  assert.ok(!isLogRefusal(result), `refused: ${JSON.stringify(result)}`);
  return result;
}

function readsTheCombinedLine(parse: LineParser): void {
  assert.deepEqual(parsed(parse(COMBINED_LINE)), EXPECTED);
}

describe('the --format value', () => {
  it('is combined by default', () => {
    readsTheCombinedLine(compileLogFormat());
    readsTheCombinedLine(compileLogFormat('combined'));
  });

  it('reads nginx combined pasted as a whole log_format directive over several lines', () => {
    readsTheCombinedLine(
      compileLogFormat(`log_format combined '$remote_addr - $remote_user [$time_local] '
                    '"$request" $status $body_bytes_sent '
                    '"$http_referer" "$http_user_agent"';`),
    );
  });

  it('reads nginx combined as one single-quoted string, and bare', () => {
    const bare =
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';
    readsTheCombinedLine(compileLogFormat(`'${bare}'`));
    readsTheCombinedLine(compileLogFormat(bare));
  });

  it('reads a bare nginx format that starts with a quote', () => {
    const parse = compileLogFormat('"$request" $remote_addr $msec');
    assert.equal(parsed(parse('"GET / HTTP/1.1" 192.0.2.1 1765102532.000')).url, '/');
  });

  it('reads Apache combined pasted as a LogFormat line with \\" escapes and a nickname', () => {
    readsTheCombinedLine(
      compileLogFormat('LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined'),
    );
  });

  it('reads the Apache format quoted without the directive, and bare', () => {
    readsTheCombinedLine(compileLogFormat(`"${PRESET_FORMATS.combined.replaceAll('"', '\\"')}"`));
    readsTheCombinedLine(compileLogFormat(PRESET_FORMATS.combined));
  });

  it('reads Apache %% as a literal percent sign and ignores conditions on directives', () => {
    const parse = compileLogFormat('%h %t "%r" %>s 100%% "%!200,304{User-Agent}i"');
    const record = parsed(parse('192.0.2.1 [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 404 100% "curl/8.5.0"'));
    assert.equal(record.status, 404);
    assert.equal(record.useragent, 'curl/8.5.0');
  });

  it('keeps a second client address in extra: %a after %h', () => {
    const parse = compileLogFormat('%h %a %t "%r"');
    const record = parsed(parse('10.0.0.1 192.0.2.1 [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1"'));
    assert.equal(record.ip, '10.0.0.1');
    assert.deepEqual(record.extra, { client_ip: '192.0.2.1' });
  });

  it('reads nginx escape=none text as written, without decoding \\x', () => {
    const parse = compileLogFormat(`log_format raw escape=none '$remote_addr $msec "$request" "$http_user_agent"';`);
    assert.equal(parsed(parse('192.0.2.1 1765102532.000 "GET / HTTP/1.1" "a\\x22b"')).useragent, 'a\\x22b');
  });

  it('refuses a format without a client address, a time or a request', () => {
    assert.throws(() => compileLogFormat('$time_local "$request"'), /client address/);
    assert.throws(() => compileLogFormat('%h "%r"'), /time/);
    assert.throws(() => compileLogFormat('$remote_addr $msec $status'), /request/);
  });

  it('refuses two fields with nothing between them', () => {
    assert.throws(() => compileLogFormat('$remote_addr$msec "$request"'), /nothing between them/);
  });

  it('refuses an unknown preset or text without variables, and Apache directives it cannot read', () => {
    assert.throws(() => compileLogFormat('apache'), LogFormatError);
    assert.throws(() => compileLogFormat('%h %t "%r" %Q'), /%Q is not supported/);
    assert.throws(() => compileLogFormat('%h %{%Y-%m-%d}t "%r"'), /no time zone/);
    assert.throws(() => compileLogFormat(`log_format main '$remote_addr`), /without its closing/);
  });
});
