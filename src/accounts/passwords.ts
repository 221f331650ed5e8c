import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to argon2id with OWASP's recommended memory and time costs.
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch (error) {
    // a malformed stored hash is a data problem, not a wrong password: surface it
    throw new Error(`cannot verify password: stored hash is unreadable (${(error as Error).message})`);
  }
}

/** A hash to verify against when the user does not exist, so a login takes as long either way. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hash('tmon-dummy-password-for-timing');
  return dummyHash;
}
