import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';

/**
 * Staff access tokens: HS256 JWTs that name the user and the session. Short-lived (ACCESS_TOKEN_TTL,
 * 15 minutes by default) because they are checked without a database read; a revoked session is cut
 * off by the revocation notice, and at the latest when its token expires.
 */
export interface AccessClaims {
  userId: string;
  sessionId: string;
  expiresAt: Date;
}

const ISSUER = 'peakops';
const AUDIENCE = 'peakops-api';

export interface AccessTokenSigner {
  sign(claims: { userId: string; sessionId: string }, now: Date): Promise<{ token: string; expiresAt: Date }>;
  /** Null for anything that is not a valid, unexpired token of ours. */
  verify(token: string, now: Date): Promise<AccessClaims | null>;
}

/**
 * The keys of staff access tokens: `current` signs every new token; `previous` (PEAKOPS_JWT_SECRET_PREVIOUS)
 * is only accepted, so a secret can be rotated one instance at a time (docs/OPERATIONS.md, "Rotating
 * secrets"): an instance already on the new secret still accepts the tokens the others signed with the old.
 */
export interface SigningKeys {
  current: Uint8Array;
  previous: Uint8Array | null;
}

/**
 * The signing secret: PEAKOPS_JWT_SECRET, else derived from PEAKOPS_ADMIN_KEY (so every instance of
 * one deployment agrees without more configuration), else random for this process alone — then tokens
 * do not survive a restart and a second instance would not accept them, which is logged at start.
 */
export function signingSecret(options: { jwtSecret?: string; jwtSecretPrevious?: string; adminKey?: string }): SigningKeys & { source: 'JWT_SECRET' | 'ADMIN_KEY' | 'RANDOM' } {
  const previous = options.jwtSecretPrevious ? new TextEncoder().encode(options.jwtSecretPrevious) : null;
  if (options.jwtSecret) return { current: new TextEncoder().encode(options.jwtSecret), previous, source: 'JWT_SECRET' };
  if (options.adminKey) {
    return { current: createHash('sha256').update(`peakops-access-token:${options.adminKey}`).digest(), previous, source: 'ADMIN_KEY' };
  }
  return { current: randomBytes(32), previous, source: 'RANDOM' };
}

export function accessTokenSigner(keys: SigningKeys, ttlSeconds: number): AccessTokenSigner {
  // The current key first: every token but those signed before a rotation is checked once.
  const accepted = keys.previous ? [keys.current, keys.previous] : [keys.current];
  return {
    async sign({ userId, sessionId }, now) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
      const token = await new SignJWT({ sid: sessionId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(keys.current);
      return { token, expiresAt };
    },
    async verify(token, now) {
      for (const secret of accepted) {
        try {
          const { payload } = await jwtVerify(token, secret, {
            issuer: ISSUER,
            audience: AUDIENCE,
            algorithms: ['HS256'],
            currentDate: now,
            clockTolerance: 0,
          });
          if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') return null;
          return { userId: payload.sub, sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000) };
        } catch (error) {
          // Signed with another key: perhaps the other one accepted. Anything else (expired, malformed, another
          // issuer) is refused whichever key signed it.
          if (error instanceof joseErrors.JWSSignatureVerificationFailed) continue;
          if (error instanceof joseErrors.JOSEError) return null;
          throw error;
        }
      }
      return null;
    },
  };
}
