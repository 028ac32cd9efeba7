import { describe, expect, it } from 'vitest';
import { accessTokenSigner, signingSecret } from './access-token.js';

const OLD = 'old-jwt-secret-0123456789abcdef-0123456789';
const NEW = 'new-jwt-secret-0123456789abcdef-0123456789';
const now = new Date('2026-11-11T00:00:00+08:00');
const claims = { userId: 'user-1', sessionId: 'session-1' };
const signerWith = (options: { jwtSecret?: string; jwtSecretPrevious?: string; adminKey?: string }) => accessTokenSigner(signingSecret(options), 900);

describe('staff access tokens across a rotation of PEAKOPS_JWT_SECRET', () => {
  const rolled = signerWith({ jwtSecret: NEW, jwtSecretPrevious: OLD });

  it('an instance already on the new secret accepts a token an instance still on the old one signed', async () => {
    const { token, expiresAt } = await signerWith({ jwtSecret: OLD }).sign(claims, now);
    expect(await rolled.verify(token, now)).toEqual({ ...claims, expiresAt });
  });

  it('refuses a token of a secret it was never given, as before', async () => {
    const { token } = await signerWith({ jwtSecret: 'another-jwt-secret-0123456789abcdef-012' }).sign(claims, now);
    expect(await rolled.verify(token, now)).toBeNull();
    expect(await signerWith({ jwtSecret: NEW }).verify((await signerWith({ jwtSecret: OLD }).sign(claims, now)).token, now)).toBeNull();
  });

  it('signs new tokens with the current secret only: once PREVIOUS is dropped they stay valid', async () => {
    const { token } = await rolled.sign(claims, now);
    expect(await signerWith({ jwtSecret: NEW }).verify(token, now)).toMatchObject(claims);
    expect(await signerWith({ jwtSecret: OLD }).verify(token, now)).toBeNull();
  });

  it('refuses an expired token of the previous secret: the second key is no way around the lifetime', async () => {
    const { token, expiresAt } = await signerWith({ jwtSecret: OLD }).sign(claims, now);
    expect(await rolled.verify(token, expiresAt)).toBeNull();
    expect(await rolled.verify(token, new Date(expiresAt.getTime() - 1_000))).toMatchObject(claims);
  });
});
