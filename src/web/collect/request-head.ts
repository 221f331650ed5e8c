/**
 * Reads the head of an HTTP/1.1 request straight from a connection's bytes,
 * for the collect socket front (socket-front.ts): it recognises exactly one
 * kind of request, a plain collect request —
 *
 *   POST /data/collect HTTP/1.1, a Host, one Content-Length within the body
 *   kind's limit, a form or JSON Content-Type spelled as senders write it,
 *   no Content-Encoding, at most one Authorization (a bearer batch's token)
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

import { BODY_LIMITS, COLLECT_PATH, plainBodyKind } from '../../collect/endpoint.js';
import type { BodyKind } from '../../collect/identify.js';

const REQUEST_LINE = Buffer.from(`POST ${COLLECT_PATH} HTTP/1.1\r\n`, 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** a longer head goes to node:http, which allows 16 KiB and answers 431 beyond (senders send a few hundred bytes) */
export const MAX_HEAD_BYTES = 8 * 1024;

const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;
const SP = 0x20;
const HTAB = 0x09;
const DEL = 0x7f;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** Content-Length: more digits than this is more than any body limit */
const MAX_LENGTH_DIGITS = 9;

/** RFC 9110 token characters, by byte: a header name is one token */
const TOKEN_BYTES = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TOKEN_BYTES[c.charCodeAt(0)] = 1;
}

/** the header names read here, by length (no two share one) */
const READ_NAMES: ReadonlyMap<number, string> = new Map(
  [
    'host',
    'expect',
    'upgrade',
    'connection',
    'content-type',
    'content-length',
    'accept-encoding',
    'authorization',
    'content-encoding',
    'transfer-encoding',
  ].map((name) => [name.length, name]),
);

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
      /** the Authorization header's value, trimmed as node:http trims it; undefined: none */
      authorization: string | undefined;
      /** the sender asked to close the connection after the answer */
      close: boolean;
    };

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

  // byte by byte rather than through strings: only the values read become strings (this runs per request)
  let kind: BodyKind | undefined;
  let bodyBytes: number | undefined;
  let acceptEncoding: string | undefined;
  let authorization: string | undefined;
  let close = false;
  let host = false;
  let contentTypes = 0;
  for (let line = REQUEST_LINE.length; line < end; ) {
    // a name is one token up to its colon: this also catches obsolete line folding and space before the colon
    let colon = line;
    while (TOKEN_BYTES[bytes[colon] as number] === 1) colon++;
    if (colon === line || bytes[colon] !== COLON) return ELSEWHERE;
    // the value runs to the line's CR, which must be followed by LF; no other control character but HTAB, no
    // DEL. Both scans end by `end` at the latest: the head's last line ends with the CR found there.
    let lineEnd = colon + 1;
    for (let byte = bytes[lineEnd] as number; byte !== CR; byte = bytes[++lineEnd] as number) {
      if ((byte < SP && byte !== HTAB) || byte === DEL) return ELSEWHERE;
    }
    if (bytes[lineEnd + 1] !== LF) return ELSEWHERE;
    let from = colon + 1;
    let to = lineEnd;
    while (from < to && isBlank(bytes[from] as number)) from++;
    while (to > from && isBlank(bytes[to - 1] as number)) to--;
    switch (readName(bytes, line, colon)) {
      case 'host':
        if (host) return ELSEWHERE;
        host = true;
        break;
      case 'content-length':
        if (bodyBytes !== undefined) return ELSEWHERE;
        bodyBytes = digitsValue(bytes, from, to);
        if (bodyBytes === undefined) return ELSEWHERE;
        break;
      case 'content-type':
        contentTypes++;
        kind = plainBodyKind(bytes.toString('latin1', from, to));
        break;
      case 'accept-encoding': {
        // as node:http joins repeated ones
        const value = bytes.toString('latin1', from, to);
        acceptEncoding = acceptEncoding === undefined ? value : `${acceptEncoding}, ${value}`;
        break;
      }
      case 'authorization':
        // node:http would keep the first of two: which one counts is not this parser's to decide
        if (authorization !== undefined) return ELSEWHERE;
        authorization = bytes.toString('latin1', from, to);
        break;
      case 'connection':
        for (const option of bytes.toString('latin1', from, to).toLowerCase().split(',')) {
          const token = option.trim();
          if (token === 'close') close = true;
          else if (token === 'upgrade') return ELSEWHERE;
        }
        break;
      case 'transfer-encoding':
      // a compressed body: fastify's collect route decodes it (decode-body.ts)
      case 'content-encoding':
      case 'expect':
      case 'upgrade':
        return ELSEWHERE;
    }
    line = lineEnd + 2;
  }
  if (!host || kind === undefined || contentTypes !== 1 || bodyBytes === undefined) return ELSEWHERE;
  if (bodyBytes === 0 || bodyBytes > BODY_LIMITS[kind]) return ELSEWHERE;
  return { read: 'collect', kind, headBytes, bodyBytes, acceptEncoding, authorization, close };
}

const isBlank = (byte: number) => byte === SP || byte === HTAB;

/** The header name in bytes [start, end) when it is one of READ_NAMES, in any case; else undefined. */
function readName(bytes: Buffer, start: number, end: number): string | undefined {
  const name = READ_NAMES.get(end - start);
  if (name === undefined) return undefined;
  // the name's bytes are token characters: OR 0x20 lowercases letters and leaves '-' and digits alone
  for (let i = 0; i < name.length; i++)
    if (((bytes[start + i] as number) | 0x20) !== name.charCodeAt(i)) return undefined;
  return name;
}

/** A decimal number of 1 to MAX_LENGTH_DIGITS digits and nothing else, else undefined. */
function digitsValue(bytes: Buffer, from: number, to: number): number | undefined {
  if (to === from || to - from > MAX_LENGTH_DIGITS) return undefined;
  let value = 0;
  for (let i = from; i < to; i++) {
    const byte = bytes[i] as number;
    if (byte < DIGIT_0 || byte > DIGIT_9) return undefined;
    value = value * 10 + (byte - DIGIT_0);
  }
  return value;
}
