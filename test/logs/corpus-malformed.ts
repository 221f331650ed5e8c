/** Malformed lines of the text formats, each with the reason it must be refused. */
import type { CorpusCase } from './corpus-case.js';
import { NGINX_BRACES } from './corpus-text.js';

export const MALFORMED_TEXT_CORPUS: CorpusCase[] = [
  { name: 'an empty line', format: 'combined', line: '', expected: { refused: 'empty' } },
  { name: 'a line of spaces', format: 'combined', line: '   \t ', expected: { refused: 'empty' } },
  {
    name: 'a truncated line (cut inside the user agent)',
    format: 'combined',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1 "-" "Mozilla/5.0 (X11; Lin',
    expected: { refused: 'no_match' },
  },
  {
    name: 'binary garbage',
    format: 'combined',
    line: '\u0000\u0001\u0002\uFFFD\uFFFD\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u00fc\u0003\u0003',
    expected: { refused: 'no_match' },
  },
  {
    name: 'a common line read as combined (too few fields)',
    format: 'combined',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1',
    expected: { refused: 'no_match' },
  },
  {
    name: 'a combined line read as common (too many fields)',
    format: 'common',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8.5.0"',
    expected: { refused: 'no_match' },
  },
  {
    name: 'a status of four digits',
    format: 'common',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 2000 1',
    expected: { refused: 'bad_status' },
  },
  {
    name: 'a status below 100 (nginx logs 000 for some aborted requests)',
    format: 'common',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 000 0',
    expected: { refused: 'bad_status' },
  },
  {
    name: 'a day that does not exist',
    format: 'common',
    line: '192.0.2.1 - - [31/Feb/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1',
    expected: { refused: 'bad_time' },
  },
  {
    name: 'a time without its zone',
    format: 'common',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32] "GET / HTTP/1.1" 200 1',
    expected: { refused: 'bad_time' },
  },
  {
    name: 'an unknown month',
    format: 'common',
    line: '192.0.2.1 - - [07/Dez/2026:10:15:32 +0100] "GET / HTTP/1.1" 200 1',
    expected: { refused: 'bad_time' },
  },
  {
    name: 'a url longer than 2048 characters',
    format: 'common',
    line: `192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET /${'a'.repeat(2048)} HTTP/1.1" 200 1`,
    expected: { refused: 'url_too_long' },
  },
  {
    name: 'a user agent longer than 1024 characters',
    format: 'combined',
    line: `192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1 "-" "${'x'.repeat(1025)}"`,
    expected: { refused: 'field_too_long' },
  },
  {
    name: 'a request line of - (the client closed before sending one)',
    format: 'combined',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "-" 400 0 "-" "-"',
    expected: { refused: 'bad_request_line' },
  },
  {
    name: 'a TLS handshake sent to a plain-HTTP port',
    format: 'combined',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03" 400 157 "-" "-"',
    expected: { refused: 'bad_request_line' },
  },
  {
    name: 'a request line without its protocol',
    format: 'combined',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET /" 400 0 "-" "-"',
    expected: { refused: 'bad_request_line' },
  },
  {
    name: 'a scanner\u2019s lower-case junk request',
    format: 'combined',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "mstshash=Administr HTTP/1.1" 400 0 "-" "-"',
    expected: { refused: 'bad_request_line' },
  },
  {
    name: 'a host name where the address should be (Apache HostnameLookups On)',
    format: 'common',
    line: 'client.example.net - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1',
    expected: { refused: 'bad_ip' },
  },
  {
    name: 'no address (-)',
    format: 'common',
    line: '- - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 1',
    expected: { refused: 'missing_ip' },
  },
  {
    name: 'a byte count that is not a number',
    format: 'common',
    line: '192.0.2.1 - - [07/Dec/2026:10:15:32 +0000] "GET / HTTP/1.1" 200 12k',
    expected: { refused: 'bad_number' },
  },
  {
    name: 'a request time that is not a number',
    format: NGINX_BRACES,
    line: '192.0.2.1 1765102532.457 "GET /x HTTP/1.1" 200 fast',
    expected: { refused: 'bad_number' },
  },
  {
    name: 'an epoch time that is not a number',
    format: NGINX_BRACES,
    line: '192.0.2.1 yesterday "GET /x HTTP/1.1" 200 0.001',
    expected: { refused: 'bad_time' },
  },
];
