import { createContext, useContext, type Accessor } from 'solid-js';
import type { CredentialSource } from '../../auth/credential-store';
import type { Permission } from '../access/viewer.documents';

/** What every console page needs besides the GraphQL client: who may do what, the credential for downloads, the socket's reconnects. */
export interface ConsoleServices {
  /** None until the server has answered: an editor needing MANAGE stays hidden rather than be refused. */
  permissions: Accessor<ReadonlySet<Permission>>;
  credentials: CredentialSource;
  connects: Accessor<number>;
  /** Wall-clock ms, ticking once a minute: enough to know which Asia/Shanghai day it is. */
  now: Accessor<number>;
}

export const ConsoleContext = createContext<ConsoleServices>();

export function useConsole(): ConsoleServices {
  const services = useContext(ConsoleContext);
  if (!services) throw new Error('useConsole outside <ConsoleLayout>');
  return services;
}

/** The server refuses every write without MANAGE (a VIEWER, a READ key): the console does not offer it. */
export const canManage = (permissions: ReadonlySet<Permission>) => permissions.has('MANAGE');

/** An id from a path segment: the router gives segments as they are in the address (ids are put there encoded). */
export const idFromPath = (segment: string | undefined) => (segment === undefined ? undefined : decodeURIComponent(segment));
