import { HttpResponse } from 'msw';
import { createComputed, createRoot } from 'solid-js';
import { describe, expect, it, vi } from 'vitest';
import { refreshResult, sessionGrant, signInResult, storedSession } from '../../test/fixtures';
import { api, API_URL, onApiTeardown, server, useMockApi } from '../../test/msw';
import { storeCredential } from '../../test/render';
import type { ResultOf, VariablesOf } from '../graphql/graphql';
import { createAuthApi } from './auth.api';
import type { RefreshSessionMutation, SignInMutation } from './auth.documents';
import { CREDENTIAL_STORAGE_KEY, createCredentialStore } from './credential-store';

useMockApi();

/** The screen's store as main.tsx makes it, against msw; a second call is the same browser after a reload. */
function openStore() {
  const credentials = createCredentialStore({ api: createAuthApi(API_URL), storage: localStorage, page: window, now: () => Date.now() });
  onApiTeardown(() => credentials.dispose());
  return credentials;
}

type Answer = Parameters<typeof refreshResult>[0] | 'unreachable';

/** refreshSession answers in turn (the last one repeats); returns each refresh token presented and when. */
function answerRefresh(...answers: Answer[]) {
  const asked: { refreshToken: string; at: number }[] = [];
  server.use(
    api.mutation<ResultOf<typeof RefreshSessionMutation>, VariablesOf<typeof RefreshSessionMutation>>('RefreshSession', ({ variables }) => {
      asked.push({ refreshToken: variables.refreshToken, at: Date.now() });
      const answer = answers[Math.min(asked.length, answers.length) - 1]!;
      return answer === 'unreachable' ? HttpResponse.error() : HttpResponse.json({ data: refreshResult(answer) });
    }),
  );
  return asked;
}

function answerSignIn(answer: Parameters<typeof signInResult>[0]) {
  const asked: VariablesOf<typeof SignInMutation>[] = [];
  server.use(
    api.mutation<ResultOf<typeof SignInMutation>, VariablesOf<typeof SignInMutation>>('SignIn', ({ variables }) => {
      asked.push(variables);
      return HttpResponse.json({ data: signInResult(answer) });
    }),
  );
  return asked;
}

describe('a kiosk link', () => {
  it('has its #key= stored and taken out of the address bar, without a reload or a history entry', () => {
    history.replaceState(null, '', '/?campaign=c-1111#key=pk_live_wall_7');
    const entries = history.length;
    const credentials = openStore();

    expect(JSON.parse(localStorage.getItem(CREDENTIAL_STORAGE_KEY)!)).toEqual({ kind: 'key', key: 'pk_live_wall_7' });
    expect(location.hash).toBe('');
    expect(location.pathname + location.search).toBe('/?campaign=c-1111');
    expect(history.length).toBe(entries);
    expect(credentials.bearer()).toBe('pk_live_wall_7');
  });

  it('replaces whatever the screen held before, and a stored key is used as is on the next load', () => {
    storeCredential(storedSession(1));
    history.replaceState(null, '', '/#key=pk_live_wall_8');
    openStore();
    const afterReload = openStore();
    expect(afterReload.current()).toEqual({ kind: 'key', key: 'pk_live_wall_8' });
  });
});

describe('a kiosk link typed into a screen already open', () => {
  // The same path and query with another fragment: the browser does not reload, it only fires hashchange.
  const typeLink = (url: string) => {
    history.pushState(null, '', url);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  };

  it('takes the new key, signing the screen in, and takes it out of the address bar', () => {
    const credentials = openStore();
    expect(credentials.current()).toBeNull();

    typeLink('/?campaign=c-1111#key=pk_live_wall_9');
    expect(credentials.current()).toEqual({ kind: 'key', key: 'pk_live_wall_9' });
    expect(JSON.parse(localStorage.getItem(CREDENTIAL_STORAGE_KEY)!)).toEqual({ kind: 'key', key: 'pk_live_wall_9' });
    expect(location.hash).toBe('');
    expect(location.pathname + location.search).toBe('/?campaign=c-1111');
  });

  it('replaces a refused key and clears the reason the sign-in page gave', async () => {
    storeCredential({ kind: 'key', key: 'pk_revoked' });
    const credentials = openStore();
    expect(await credentials.renew('pk_revoked')).toBe(false);
    expect(credentials.notice()).toBe('keyRefused');

    typeLink('/#key=pk_live_wall_10');
    expect(credentials.current()).toEqual({ kind: 'key', key: 'pk_live_wall_10' });
    expect(credentials.notice()).toBeNull();
    expect(location.hash).toBe('');
  });

  it('tells whoever listens once the new key is in place, so an open socket can move to it', () => {
    storeCredential(storedSession(1));
    const credentials = openStore();
    const seen: (string | null)[] = [];
    credentials.onChange(() => seen.push(credentials.principal()));

    typeLink('/#key=pk_live_wall_12');
    expect(seen).toEqual(['key:pk_live_wall_12']);
  });

  it('lets any other fragment be, and listens no more once disposed', () => {
    const credentials = openStore();
    typeLink('/#section');
    expect(location.hash).toBe('#section');
    expect(credentials.current()).toBeNull();

    credentials.dispose();
    typeLink('/#key=pk_live_wall_11');
    expect(credentials.current()).toBeNull();
  });
});

describe('a staff session', () => {
  it('starts with signIn and survives a reload', async () => {
    const asked = answerSignIn(sessionGrant(1));
    const credentials = openStore();
    expect(credentials.current()).toBeNull();

    expect(await credentials.signIn('wang.lei@example.com', 'correct horse battery')).toBeNull();
    expect(asked).toEqual([{ email: 'wang.lei@example.com', password: 'correct horse battery' }]);
    expect(credentials.bearer()).toBe('access-1');
    expect(openStore().current()).toMatchObject({ kind: 'session', accessToken: 'access-1', refreshToken: 'refresh-1', user: { name: '王磊' } });
  });

  it('is someone else when another 王磊 signs in: the user id from the sign-in answer is kept, and tells them apart', async () => {
    answerSignIn(sessionGrant(1));
    const credentials = openStore();
    await credentials.signIn('wang.lei@example.com', 'correct horse battery');
    const first = credentials.principal();

    // A namesake in the same role, limited to other shops: only the id differs.
    answerSignIn({ ...sessionGrant(2), user: { id: 'VXNlcjozMzM=', name: '王磊', role: 'VIEWER' } });
    await credentials.signIn('wang.lei2@example.com', 'correct horse battery');
    expect(credentials.principal()).not.toBe(first);
    expect(openStore().current()).toMatchObject({ user: { id: 'VXNlcjozMzM=', name: '王磊' } });
  });

  it('is refreshed before its access token expires, and the new tokens are kept', async () => {
    answerSignIn(sessionGrant(1, 2_000)); // 2 s: refreshed half-way, at 1 s
    const asked = answerRefresh(sessionGrant(2));
    const credentials = openStore();
    await credentials.signIn('wang.lei@example.com', 'correct horse battery');
    const signedInAt = Date.now();

    await vi.waitFor(() => expect(credentials.bearer()).toBe('access-2'), { timeout: 3_000 });
    expect(asked.map((a) => a.refreshToken)).toEqual(['refresh-1']);
    const after = asked[0]!.at - signedInAt;
    expect(after).toBeGreaterThan(700);
    expect(after).toBeLessThan(1_900); // before the 2 s token ran out
    expect(JSON.parse(localStorage.getItem(CREDENTIAL_STORAGE_KEY)!)).toMatchObject({ accessToken: 'access-2', refreshToken: 'refresh-2' });
  });

  it('ends when its refresh is refused, and the screen says so', async () => {
    answerRefresh({ code: 'INVALID_CREDENTIALS', message: 'email or password is wrong' });
    storeCredential(storedSession(1, 0)); // expired while the laptop slept: refreshed at once
    const credentials = openStore();

    await vi.waitFor(() => expect(credentials.current()).toBeNull());
    expect(credentials.notice()).toBe('sessionEnded');
    expect(localStorage.getItem(CREDENTIAL_STORAGE_KEY)).toBeNull();
  });

  it('is kept when a refresh gets no answer (the server restarting is no reason to sign out)', async () => {
    const asked = answerRefresh('unreachable');
    storeCredential(storedSession(1));
    const credentials = openStore();

    expect(await credentials.renew('access-1')).toBe(false);
    expect(asked).toHaveLength(1);
    expect(credentials.bearer()).toBe('access-1');
    expect(credentials.notice()).toBeNull();
  });

  it('takes the tokens another tab already swapped in, rather than present a used refresh token', async () => {
    const asked = answerRefresh(sessionGrant(3));
    storeCredential(storedSession(1));
    const credentials = openStore();
    storeCredential(storedSession(2)); // the other tab refreshed first

    expect(await credentials.renew('access-1')).toBe(true);
    expect(credentials.bearer()).toBe('access-2');
    expect(asked).toEqual([]);
  });

  it('hands out its token without subscribing the reader, so a refresh does not make every query ask again', async () => {
    answerRefresh(sessionGrant(2));
    storeCredential(storedSession(1));
    const credentials = openStore();
    // As urql reads it: inside @urql/solid's computation, while a query subscribes.
    let reads = 0;
    const stop = createRoot((dispose) => {
      createComputed(() => {
        credentials.bearer();
        reads += 1;
      });
      return dispose;
    });
    onApiTeardown(stop);

    expect(await credentials.renew('access-1')).toBe(true);
    expect(credentials.bearer()).toBe('access-2');
    expect(reads).toBe(1);
  });

  it('is refreshed once however many requests and sockets were refused at the same moment', async () => {
    const asked = answerRefresh(sessionGrant(2));
    storeCredential(storedSession(1));
    const credentials = openStore();

    const renewed = await Promise.all([credentials.renew('access-1'), credentials.renew('access-1'), credentials.renew('access-1')]);
    expect(renewed).toEqual([true, true, true]);
    expect(asked).toHaveLength(1);
    // A request that went out with the old token before the refresh needs no second one.
    expect(await credentials.renew('access-1')).toBe(true);
    expect(asked).toHaveLength(1);
  });

  it('signs out: forgotten at once, then ended on the server with its own token', async () => {
    const authorizations: (string | null)[] = [];
    server.use(
      api.mutation('SignOut', ({ request }) => {
        authorizations.push(request.headers.get('authorization'));
        return HttpResponse.json({ data: { signOut: { userErrors: [] } } });
      }),
    );
    storeCredential(storedSession(1));
    const credentials = openStore();

    const signingOut = credentials.signOut();
    expect(credentials.current()).toBeNull();
    await signingOut;
    expect(authorizations).toEqual(['Bearer access-1']);
    expect(credentials.notice()).toBeNull();
    expect(localStorage.getItem(CREDENTIAL_STORAGE_KEY)).toBeNull();
  });
});

describe('a refused key', () => {
  it('is dropped with a notice: there is nothing to refresh', async () => {
    storeCredential({ kind: 'key', key: 'pk_revoked' });
    const credentials = openStore();

    expect(await credentials.renew('pk_revoked')).toBe(false);
    expect(credentials.current()).toBeNull();
    expect(credentials.notice()).toBe('keyRefused');
    expect(localStorage.getItem(CREDENTIAL_STORAGE_KEY)).toBeNull();
  });
});
