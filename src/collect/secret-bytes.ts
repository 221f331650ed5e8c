/**
 * Secrets are used as their ASCII bytes by all three protocols
 * (docs/protocol.md). A non-ASCII character
 * would be silently mangled by Buffer.from(…, 'ascii'), so it is rejected here
 * instead of producing a key the sender never used.
 */
export function secretBytes(secret: string): Buffer | null {
  for (let i = 0; i < secret.length; i++) {
    if (secret.charCodeAt(i) > 0x7f) return null;
  }
  return Buffer.from(secret, 'latin1');
}
