import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** A new API key: `pk_` + 32 random bytes in base64url (43 characters). */
export function newApiKeySecret(): string {
  return `pk_${randomBytes(32).toString('base64url')}`;
}

/** A new refresh token: 32 random bytes, never stored, only its hash. */
export function newRefreshToken(): string {
  return `rt_${randomBytes(32).toString('base64url')}`;
}

/** The visible part of a key, enough to tell keys apart and never enough to use one. */
export function keyPrefix(secret: string): string {
  return secret.slice(0, 11);
}

/**
 * SHA-256 for high-entropy secrets (keys, refresh tokens): 256 random bits cannot be guessed, so a
 * slow KDF would only cost time on every request. Passwords use scrypt below.
 */
export function sha256(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * scrypt parameters for passwords: N = 2^15, r = 8, p = 1 costs 32 MiB and ~60-100 ms per hash on this
 * machine (OWASP's minimum for scrypt is N = 2^17 with r = 8 at p = 1, or an equivalent 2^15 at p = 4;
 * we take the memory-hard 32 MiB and keep the parameters with each hash so they can be raised).
 * Node's scrypt runs on the libuv thread pool: it never blocks the event loop.
 */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, keyLength, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keyLength, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(key, expected);
}

/** A hash of nothing, verified against when the email is unknown, so timing does not reveal which emails exist. */
export const DUMMY_PASSWORD_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
