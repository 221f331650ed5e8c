/**
 * AES-CFB8 decryption with all of its AES blocks computed in one AES-ECB call.
 *
 * CFB8 turns each byte with one AES block: byte i of the plaintext is byte i
 * of the ciphertext XOR the first byte of AES(key, the 16 bytes before it in
 * IV ‖ ciphertext). OpenSSL's CFB8 runs those blocks one after another (~25 ns
 * per byte here, since each waits for the one before). Decrypting, every
 * block's input is ciphertext already in hand, so they can all run at once:
 * ECB pipelines them, and one call replaces the per-request decipher.
 *
 * The inputs of bytes r, r+16, r+32, … are consecutive 16-byte blocks of
 * IV ‖ ciphertext starting at offset r: the 16 "lanes" r = 0…15 are copied
 * end to end into a scratch buffer and encrypted in one call. That is 16
 * bytes of ECB input per byte of message, so long messages go in chunks and
 * the scratch buffer stays small.
 */
import { type Cipher, createCipheriv } from 'node:crypto';

const BLOCK = 16;
/** plaintext bytes per ECB call: 32 KiB of ECB input */
const CHUNK = 2048;

/** Reused by every call: all work here is synchronous, so no two calls share it at once. */
const lanes = Buffer.allocUnsafe(CHUNK * BLOCK);

/**
 * An AES-ECB encryptor without padding for `key` (16, 24 or 32 bytes): the
 * block function the decryption needs. ECB keeps no state between whole
 * blocks, so one encryptor serves any number of decryptions under its key.
 */
export function aesBlockEncryptor(key: Buffer): Cipher {
  const ecb = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  ecb.setAutoPadding(false);
  return ecb;
}

/** `ciphertext` decrypted with AES-CFB8 under the key of `blockEncryptor` (aesBlockEncryptor), starting from `iv`. */
export function decryptCfb8(blockEncryptor: Cipher, iv: Buffer, ciphertext: Buffer): Buffer {
  const length = ciphertext.length;
  const plaintext = Buffer.allocUnsafe(length);
  if (length === 0) return plaintext;
  // the shift register's whole history: block i's input is register[i … i + 16)
  const register = Buffer.allocUnsafe(BLOCK + length);
  iv.copy(register, 0, 0, BLOCK);
  ciphertext.copy(register, BLOCK);
  for (let start = 0; start < length; start += CHUNK) {
    decryptChunk(blockEncryptor, register, ciphertext, plaintext, start, Math.min(CHUNK, length - start));
  }
  return plaintext;
}

function decryptChunk(
  blockEncryptor: Cipher,
  register: Buffer,
  ciphertext: Buffer,
  plaintext: Buffer,
  start: number,
  length: number,
): void {
  // lane r holds the inputs of bytes start + r, start + r + 16, …: ceil((length - r) / 16) blocks
  // read from register[start + r …], whose last one ends at most at start + length + 15 < register.length
  const laneCount = Math.min(BLOCK, length);
  let filled = 0;
  for (let r = 0; r < laneCount; r++) {
    const bytes = Math.ceil((length - r) / BLOCK) * BLOCK;
    register.copy(lanes, filled, start + r, start + r + bytes);
    filled += bytes;
  }
  // exactly one block per byte: filled === length * 16
  const keystream = blockEncryptor.update(lanes.subarray(0, filled));
  let block = 0;
  for (let r = 0; r < laneCount; r++) {
    for (let i = start + r; i < start + length; i += BLOCK) {
      plaintext[i] = (ciphertext[i] as number) ^ (keystream[block] as number);
      block += BLOCK;
    }
  }
}
