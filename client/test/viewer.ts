import { HttpResponse } from 'msw';
import type { Permission, ViewerPermissionsQuery } from '../src/features/access/viewer.documents';
import type { ResultOf } from '../src/graphql/graphql';
import { viewerResult } from './fixtures';
import { api, server } from './msw';

/** What the server grants one credential; 'fails' answers with an error instead. */
export type ViewerGrant = readonly Permission[] | 'fails';

/**
 * Answers the screen's WarRoomViewer question with what `grant` gives the bearer it came with
 * (awaited, so a test can hold an answer back). Returns the Authorization of every question, in order.
 */
export function answerViewer(grant: (bearer: string | null) => ViewerGrant | Promise<ViewerGrant>): (string | null)[] {
  const asked: (string | null)[] = [];
  server.use(
    api.query<ResultOf<typeof ViewerPermissionsQuery>>('WarRoomViewer', async ({ request }) => {
      const authorization = request.headers.get('authorization');
      asked.push(authorization);
      const granted = await grant(authorization?.replace(/^Bearer /, '') ?? null);
      if (granted === 'fails') return HttpResponse.json({ errors: [{ message: 'Unexpected error.' }] });
      return HttpResponse.json({ data: viewerResult(granted) });
    }),
  );
  return asked;
}
