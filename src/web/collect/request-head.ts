/**
 * Reads the head of an HTTP/1.1 request straight from a connection's bytes,
 * for the collect socket front (socket-front.ts): it recognises exactly one
 * kind of request, a plain collect request —
 *
 *   POST /data/collect HTTP/1.1, a Host, one Content-Length within the body
 *   kind's limit, a form or JSON Content-Type spelled as senders write it
 *
 * — and says `elsewhere` for everything else, which node:http then reads
 * from the first byte. So it never has to refuse, answer or interpret
 * anything node:http would: whatever is unusual or ambiguous about framing
 * (Transfer-Encoding, a second Content-Length, obsolete line folding, a bare
 * CR or LF, control characters, Expect, Upgrade, an oversized head) goes to
 * node:http, whose own parser answers or refuses it. Two parsers that could
 * disagree on where a request ends are how request smuggling happens; this
 * one only ever agrees or steps aside.
 */
import type { BodyKind } from '../../collect/identify.js';
import { BODY_LIMITS } from './handle-collect.js';

const REQUEST_LINE = Buffer.from('POST /data/collect HTTP/1.1\r\n', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** a longer head goes to node:http, which allows 16 KiB and answers 431 beyond (senders send a few hundred bytes) */
export const MAX_HEAD_BYTES = 8 * 1024;

/** the content types both fast ways read, as senders write them; any other spelling goes to fastify */
const BODY_KINDS: ReadonlyMap<string, BodyKind> = new Map([
  ['application/x-www-form-urlencoded', 'form'],
  ['application/x-www-form-urlencoded; charset=utf-8', 'form'],
  ['application/json', 'json'],
  ['application/json; charset=utf-8', 'json'],
]);

/** RFC 9110 token characters: a header name is one token */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** in a field value: any control character but HTAB (CR and LF included), and DEL */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for
const VALUE_CONTROL = /[\0-\x08\x0a-\x1f\x7f]/;
const DIGITS = /^[0-9]{1,9}$/;

export type HeadReading =
  /** not all of the head yet, and nothing so far rules the request out */
  | { read: 'incomplete' }
  /** not a plain collect request: node:http reads it */
  | { read: 'elsewhere' }
  | {
      read: 'collect';
      kind: BodyKind;
      /** the head's bytes, its blank line included: the body starts here */
      headBytes: number;
      bodyBytes: number;
      acceptEncoding: string | undefined;
      /** the sender asked to close the connection after the answer */
      close: boolean;
    };

/** The body kind of a plain collect request with this Content-Type, else undefined. */
export function plainBodyKind(contentType: string | undefined): BodyKind | undefined {
  return contentType === undefined ? undefined : BODY_KINDS.get(contentType);
}

const INCOMPLETE: HeadReading = { read: 'incomplete' };
const ELSEWHERE: HeadReading = { read: 'elsewhere' };

/** The head of the request at the start of `bytes`. */
export function readCollectHead(bytes: Buffer): HeadReading {
  const lineBytes = Math.min(bytes.length, REQUEST_LINE.length);
  if (REQUEST_LINE.compare(bytes, 0, lineBytes, 0, lineBytes) !== 0) return ELSEWHERE;
  const end = bytes.indexOf(HEAD_END, REQUEST_LINE.length - 2);
  if (end < 0) return bytes.length > MAX_HEAD_BYTES ? ELSEWHERE : INCOMPLETE;
  const headBytes = end + HEAD_END.length;
  if (headBytes > MAX_HEAD_BYTES || end < REQUEST_LINE.length) return ELSEWHERE; // no header at all: no Host

  let kind: BodyKind | undefined;
  let bodyBytes: number | undefined;
  let acceptEncoding: string | undefined;
  let close = false;
  let host = false;
  let contentTypes = 0;
  for (const line of bytes.toString('latin1', REQUEST_LINE.length, end).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return ELSEWHERE;
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    // a name with spaces or other non-token characters also catches obsolete line folding
    if (!TOKEN.test(name) || VALUE_CONTROL.test(value)) return ELSEWHERE;
    switch (name.toLowerCase()) {
      case 'host':
        if (host) return ELSEWHERE;
        host = true;
        break;
      case 'content-length':
        if (bodyBytes !== undefined || !DIGITS.test(value)) return ELSEWHERE;
        bodyBytes = Number(value);
        break;
      case 'content-type':
        contentTypes++;
        kind = plainBodyKind(value);
        break;
      case 'accept-encoding':
        // as node:http joins repeated ones
        acceptEncoding = acceptEncoding === undefined ? value : `${acceptEncoding}, ${value}`;
        break;
      case 'connection':
        for (const option of value.toLowerCase().split(',')) {
          const token = option.trim();
          if (token === 'close') close = true;
          else if (token === 'upgrade') return ELSEWHERE;
        }
        break;
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return ELSEWHERE;
    }
  }
  if (!host || kind === undefined || contentTypes !== 1 || bodyBytes === undefined) return ELSEWHERE;
  if (bodyBytes === 0 || bodyBytes > BODY_LIMITS[kind]) return ELSEWHERE;
  return { read: 'collect', kind, headBytes, bodyBytes, acceptEncoding, close };
}
