/**
 * Strict base64 for the wire. Node's Buffer.from(text, 'base64') skips any
 * character outside the alphabet, so "a$b" and "ab" decode alike: a sender's
 * bug (or a form field whose `+` became a space) would turn into a baffling
 * decryption failure instead of a clear `bad_base64`.
 */

// Standard alphabet (RFC 4648 §4), optional padding. Python's b64encode and
// browsers' btoa produce exactly this; URL-safe base64 is not part of the protocol.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Value of each alphabet character, to check the unused low bits of the last one. */
const SEXTET = new Int8Array(128).fill(-1);
for (const [i, ch] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) {
  SEXTET[ch.charCodeAt(0)] = i;
}

/**
 * The bytes `text` encodes, or null when it is not canonical standard base64.
 * Missing padding is tolerated (some clients strip it); wrong padding, characters
 * outside the alphabet and non-zero unused bits are not, so every byte string
 * has exactly one accepted spelling without padding and one with it.
 */
export function decodeBase64(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  // When padding is present it must complete the last quantum.
  if (pad > 0 && text.length % 4 !== 0) return null;
  const digits = text.length - pad;
  const tail = digits % 4;
  // One leftover digit carries 6 bits: not even one byte.
  if (tail === 1) return null;
  if (tail !== 0) {
    const last = SEXTET[text.charCodeAt(digits - 1)] ?? -1;
    // 2 digits hold 1 byte (4 spare bits), 3 digits hold 2 bytes (2 spare bits).
    const spare = tail === 2 ? 0x0f : 0x03;
    if (last < 0 || (last & spare) !== 0) return null;
  }
  return Buffer.from(text, 'base64');
}
