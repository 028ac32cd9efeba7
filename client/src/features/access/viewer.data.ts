import { createQuery } from '@urql/solid';
import { createMemo, type Accessor } from 'solid-js';
import { principalOf, type Credential } from '../../auth/credential';
import { ViewerPermissionsQuery, type Permission } from './viewer.documents';

const NONE: ReadonlySet<Permission> = new Set();

const sameSet = (a: ReadonlySet<Permission>, b: ReadonlySet<Permission>) => a.size === b.size && [...a].every((p) => b.has(p));

/**
 * What the credential of the moment may do, asked once per principal (see principalOf): again when
 * another key or person takes over, not when a session's token is refreshed. Fails closed: until the
 * answer asked with this principal is in, and after a failed question, it may do nothing, so a control
 * needing a permission stays hidden rather than be shown and refused.
 */
export function createViewerPermissions(credential: Accessor<Credential | null>): Accessor<ReadonlySet<Permission>> {
  const principal = createMemo(() => {
    const current = credential();
    return current ? principalOf(current) : null;
  });
  // The principal rides in the operation's context: a new one re-executes the query, and each answer
  // carries the principal it was asked for, so an answer for the previous one never counts for this one.
  const [viewer] = createQuery({
    query: ViewerPermissionsQuery,
    context: () => ({ principal: principal() }),
    pause: () => principal() === null,
  });
  return createMemo(
    () => {
      const answered = !viewer.fetching && viewer.operation?.context.principal === principal();
      return answered && viewer.data ? new Set(viewer.data.viewer.permissions) : NONE;
    },
    NONE,
    { equals: sameSet },
  );
}
