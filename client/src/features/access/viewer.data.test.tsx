import { HttpResponse } from 'msw';
import { createEffect } from 'solid-js';
import { describe, expect, it, vi } from 'vitest';
import { MAY_MANAGE, READ_ONLY, refreshResult, sessionGrant, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { renderWithProviders, startApi, storeCredential, TEST_KEY } from '../../../test/render';
import { answerViewer } from '../../../test/viewer';
import type { CredentialStore } from '../../auth/credential-store';
import { createViewerPermissions } from './viewer.data';

useMockApi();

/** Every value the screen's permissions took, in order ('none' for none). */
function watchPermissions(options: Parameters<typeof startApi>[0] = {}) {
  const testApi = startApi(options);
  const seen: string[] = [];
  renderWithProviders(() => <Probe credentials={testApi.credentials} seen={seen} />, { api: testApi });
  return { ...testApi, seen };
}

function Probe(props: { credentials: CredentialStore; seen: string[] }) {
  const permissions = createViewerPermissions(() => props.credentials.current());
  createEffect(() => props.seen.push([...permissions()].sort().join(' ') || 'none'));
  return null;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

const operator = () => ({ ...storedSession(1), user: { id: 'VXNlcjoxMDI=', name: '李娜', role: 'OPERATOR' } });

describe('what the viewer may do', () => {
  it('is asked once, with the screen key, and is what the server grants', async () => {
    const asked = answerViewer((bearer) => (bearer === TEST_KEY ? READ_ONLY : 'fails'));
    const { seen } = watchPermissions();
    await vi.waitFor(() => expect(seen).toEqual(['none', 'READ']));
    await settle();
    expect(asked).toEqual([`Bearer ${TEST_KEY}`]);
  });

  it('is nothing when the question fails: no control shows that the server might refuse', async () => {
    const asked = answerViewer(() => 'fails');
    const { seen } = watchPermissions();
    await vi.waitFor(() => expect(asked).toHaveLength(1));
    await settle();
    expect(seen).toEqual(['none']);
  });

  it('is not asked with nobody signed in', async () => {
    const asked = answerViewer(() => READ_ONLY);
    const { seen } = watchPermissions({ credential: null });
    await settle();
    expect(asked).toEqual([]);
    expect(seen).toEqual(['none']);
  });

  it('is not asked again, nor withdrawn for a moment, when a staff session is refreshed', async () => {
    const asked = answerViewer(() => READ_ONLY);
    server.use(api.mutation('RefreshSession', () => HttpResponse.json({ data: refreshResult(sessionGrant(2)) })));
    const { credentials, seen } = watchPermissions({ credential: storedSession(1) });
    await vi.waitFor(() => expect(seen).toEqual(['none', 'READ']));

    expect(await credentials.renew('access-1')).toBe(true);
    expect(credentials.bearer()).toBe('access-2');
    await settle();
    expect(asked).toEqual(['Bearer access-1']);
    expect(seen).toEqual(['none', 'READ']);
  });

  it('is asked again when someone else takes over, and is nothing until that answer is in', async () => {
    let answer: () => void = () => undefined;
    const viewersAnswer = new Promise<typeof READ_ONLY>((resolve) => (answer = () => resolve(READ_ONLY)));
    const asked = answerViewer((bearer) => (bearer === 'access-1' ? MAY_MANAGE : viewersAnswer));
    const { credentials, seen } = watchPermissions({ credential: operator() });
    await vi.waitFor(() => expect(seen).toEqual(['none', 'MANAGE READ']));

    // Another tab of this browser signed out and in as a VIEWER: this tab takes its session over.
    storeCredential(storedSession(2));
    expect(await credentials.renew('access-1')).toBe(true);
    await vi.waitFor(() => expect(asked).toEqual(['Bearer access-1', 'Bearer access-2']));
    // The operator's MANAGE is not kept while the VIEWER's answer is on its way.
    expect(seen).toEqual(['none', 'MANAGE READ', 'none']);

    answer();
    await vi.waitFor(() => expect(seen).toEqual(['none', 'MANAGE READ', 'none', 'READ']));
  });
});
