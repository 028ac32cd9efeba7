import { describe, expect, it } from 'vitest';
import { keyFromFragment, parseStoredCredential, principalOf, refreshDueAt, type SessionCredential } from './credential';

const AT = Date.parse('2026-11-11T04:00:00Z');

describe('when a staff session is refreshed', () => {
  it('is a minute before a 15-minute access token expires', () => {
    const due = refreshDueAt({ receivedAt: AT, expiresAt: new Date(AT + 900_000).toISOString() });
    expect(due - AT).toBe(840_000);
  });

  it('is half-way through a token that lives under two minutes (a test server with 10 s)', () => {
    expect(refreshDueAt({ receivedAt: AT, expiresAt: new Date(AT + 10_000).toISOString() }) - AT).toBe(5_000);
    expect(refreshDueAt({ receivedAt: AT, expiresAt: new Date(AT + 120_000).toISOString() }) - AT).toBe(60_000);
  });

  it('is at once for a token that had already expired when it was stored', () => {
    expect(refreshDueAt({ receivedAt: AT, expiresAt: new Date(AT - 1_000).toISOString() })).toBeLessThan(AT);
  });
});

describe('a kiosk link', () => {
  it('carries its key in the fragment, which is taken out and the rest kept', () => {
    expect(keyFromFragment('#key=pk_abc')).toEqual({ key: 'pk_abc', rest: '' });
    expect(keyFromFragment('#key=pk_abc&panel=alerts')).toEqual({ key: 'pk_abc', rest: '#panel=alerts' });
    expect(keyFromFragment('')).toEqual({ key: null, rest: '' });
    expect(keyFromFragment('#key=')).toEqual({ key: null, rest: '' });
  });
});

describe('what the screen finds in localStorage', () => {
  it('is a key or a complete staff session', () => {
    expect(parseStoredCredential('{"kind":"key","key":"pk_abc"}')).toEqual({ kind: 'key', key: 'pk_abc' });
    const session = {
      kind: 'session',
      accessToken: 'a',
      expiresAt: '2026-11-11T04:15:00Z',
      refreshToken: 'r',
      refreshExpiresAt: '2026-11-11T16:00:00Z',
      receivedAt: AT,
      user: { id: 'VXNlcjoxMDE=', name: '王磊', role: 'VIEWER' },
    };
    expect(parseStoredCredential(JSON.stringify(session))).toEqual(session);
  });

  it('is a staff session with no user id when a screen from before ids were kept stored it', () => {
    const stored = {
      kind: 'session',
      accessToken: 'a',
      expiresAt: '2026-11-11T04:15:00Z',
      refreshToken: 'r',
      refreshExpiresAt: '2026-11-11T16:00:00Z',
      receivedAt: AT,
      user: { name: '王磊', role: 'VIEWER' },
    };
    expect(parseStoredCredential(JSON.stringify(stored))).toEqual({ ...stored, user: { id: null, name: '王磊', role: 'VIEWER' } });
  });

  it('is nothing when it is anything else (an old format, a hand edit, a half-written session)', () => {
    for (const stored of [null, '', 'pk_abc', '{"kind":"key"}', '{"kind":"session","accessToken":"a"}', '[]', 'null']) {
      expect(parseStoredCredential(stored), String(stored)).toBeNull();
    }
  });
});

describe('whom a credential speaks for', () => {
  const session = (accessToken: string, user: SessionCredential['user']): SessionCredential => ({
    kind: 'session',
    accessToken,
    expiresAt: '2026-11-11T04:15:00Z',
    refreshToken: `refresh-of-${accessToken}`,
    refreshExpiresAt: '2026-11-11T16:00:00Z',
    receivedAt: AT,
    user,
  });
  const wang = { id: 'VXNlcjoxMDE=', name: '王磊', role: 'VIEWER' };

  it('stays the same across a refresh, which swaps only the tokens', () => {
    expect(principalOf(session('access-2', wang))).toBe(principalOf(session('access-1', wang)));
  });

  it('changes with another person, another role, or another key', () => {
    const principals = [
      principalOf(session('access-1', wang)),
      principalOf(session('access-1', { ...wang, role: 'OPERATOR' })),
      principalOf(session('access-1', { id: 'VXNlcjoxMDI=', name: '李娜', role: 'VIEWER' })),
      principalOf({ kind: 'key', key: 'pk_wall_1' }),
      principalOf({ kind: 'key', key: 'pk_wall_2' }),
    ];
    expect(new Set(principals).size).toBe(principals.length);
  });

  it('tells apart two staff members who share a name and a role', () => {
    const otherWangLei = { ...wang, id: 'VXNlcjozMzM=' };
    expect(principalOf(session('access-2', otherWangLei))).not.toBe(principalOf(session('access-1', wang)));
  });

  it('is a principal of its own for a session stored without the user id: never taken for anyone else', () => {
    const unknown = { id: null, name: '王磊', role: 'VIEWER' };
    const stored = principalOf(session('access-1', unknown));
    expect(stored).not.toBe(principalOf(session('access-2', unknown)));
    expect(stored).not.toBe(principalOf(session('access-1', wang)));
  });
});
