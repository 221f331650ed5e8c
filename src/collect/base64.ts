/**
 * Strict base64 for the wire. Node's Buffer.from(text, 'base64') skips any
 * character outside the alphabet, so "a$b" and "ab" decode alike: a sender's
 * bug (or a form field whose `+` became a space) would turn into a baffling
 * decryption failure instead of a clear `bad_base64`.
 */

// Standard alphabet (RFC 4648 §4), optional padding. Python's b64encode and
// browsers' btoa produce exactly this; URL-safe base64 is not part of the protocol.

/**
 * The bytes `text` encodes, or null when it is not canonical standard base64.
 * Missing padding is tolerated (some clients strip it); wrong padding, characters
 * outside the alphabet and non-zero unused bits are not, so every byte string
 * has exactly one accepted spelling without padding and one with it.
 *
 * Checked by decoding and re-encoding (both native): anything Node skipped or
 * rounded changes the re-encoded text. A regex over a 35 KB v2 batch cost more
 * than its AES-GCM decryption.
 */
export function decodeBase64(text: string): Buffer | null {
  const remainder = text.length % 4;
  // padding, when present, must complete the last quantum; one leftover digit is not even a byte
  if ((remainder !== 0 && text.endsWith('=')) || remainder === 1) return null;
  const bytes = Buffer.from(text, 'base64');
  const canonical = bytes.toString('base64');
  const padded = remainder === 0 ? text : text + (remainder === 2 ? '==' : '=');
  return canonical === padded ? bytes : null;
}
