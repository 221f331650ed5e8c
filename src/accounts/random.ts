import { createHash, randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters from [A-Za-z0-9], unbiased (rejection sampling over random bytes). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes above it would favour the first letters
      if (byte < 248) out += ALPHANUMERIC[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A service secret: 32 characters from [A-Za-z0-9], as the original's senders expect (AES-256 key). */
export function generateServiceSecret(): string {
  return randomAlphanumeric(32);
}

export function generateSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export function generateApiToken(): string {
  return `tmon_${randomBytes(32).toString('base64url')}`;
}

/** Tokens and session ids are looked up by their SHA-256, so a leaked database holds no usable credential. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function generatePassword(): string {
  return randomAlphanumeric(20);
}
