/**
 * Undoes the escaping web servers apply to text fields of their access logs,
 * so a user agent reads as the client sent it:
 * - nginx (default escaping) writes `"`, `\` and bytes below 0x20 or above
 *   0x7e as `\xHH`;
 * - Apache writes `\"`, `\\`, `\b \n \r \t \v`, and other control bytes as `\xhh`.
 * Escaped bytes are decoded as UTF-8 together with the text around them (a
 * UTF-8 character split into `\xC3\xA9` comes back whole); invalid UTF-8
 * becomes U+FFFD.
 */

const utf8 = new TextDecoder('utf-8', { fatal: false });

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  '"': 0x22,
  '\\': 0x5c,
  b: 0x08,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

export function decodeLogEscapes(value: string): string {
  // Almost every field has no backslash: one indexOf and no allocation.
  if (value.indexOf('\\') === -1) return value;
  const bytes: number[] = [];
  let plainStart = 0;
  let i = 0;
  while (i < value.length) {
    if (value.charCodeAt(i) !== 0x5c || i + 1 >= value.length) {
      i++;
      continue;
    }
    const next = value[i + 1]!;
    let byte = -1;
    let length = 2;
    if ((next === 'x' || next === 'X') && i + 3 < value.length && isHex(value, i + 2) && isHex(value, i + 3)) {
      byte = Number.parseInt(value.slice(i + 2, i + 4), 16);
      length = 4;
    } else if (next in SIMPLE_ESCAPES) {
      byte = SIMPLE_ESCAPES[next]!;
    }
    if (byte === -1) {
      i++;
      continue;
    }
    pushUtf8(bytes, value.slice(plainStart, i));
    bytes.push(byte);
    i += length;
    plainStart = i;
  }
  pushUtf8(bytes, value.slice(plainStart));
  return utf8.decode(Uint8Array.from(bytes));
}

function isHex(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function pushUtf8(bytes: number[], text: string): void {
  for (const byte of Buffer.from(text, 'utf8')) bytes.push(byte);
}
