import { decodeGlobalID } from '@pothos/plugin-relay';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { isUuid } from '../lib/uuid.js';
import { refused } from './refused.js';

/**
 * Node ids wrap UUIDs. Checking the shape when a global id is decoded turns a forged or truncated id
 * into a clear BAD_USER_INPUT error instead of a database error.
 */
export function uuidNodeId<T extends { id: string }>() {
  return {
    resolve: (row: T) => row.id,
    parse: (id: string) => {
      if (!isUuid(id)) {
        throw refused('BAD_USER_INPUT', {
          en: `Invalid id: ${JSON.stringify(id)} is not an id issued by PeakOps`,
          zh: `id 无效：${JSON.stringify(id)} 不是 PeakOps 签发的 id`,
        });
      }
      return id;
    },
  };
}

/** The UUID inside a global id of `typename`, or null for anything else (another type, not base64, not a UUID). */
export function decodeGlobalUuid(typename: string, value: string): string | null {
  try {
    const decoded = decodeGlobalID(value);
    return decoded.typename === typename && isUuid(decoded.id) ? decoded.id : null;
  } catch {
    return null;
  }
}

/** The loaders Pothos looks for on a node type (plugin-relay's resolveNodes; loadableNode sets the last). */
interface NodeLoaders {
  loadOne?: unknown;
  loadMany?: unknown;
  loadWithoutCache?: unknown;
  loadManyWithoutCache?: unknown;
}

/**
 * Whether node(id:) can load a global id's type: an object type that implements Node and has a loader.
 * Anyone can write base64 of "Foo:…", "__proto__:…", "Node:…" or "Query:…"; Pothos would answer them
 * with its own internal errors ("Foo has not been implemented", "does not support loading by id"). They
 * name no object any caller can see, and an id the caller cannot see behaves exactly like one that does
 * not exist (API.md), which for a well-formed id is null, not an error: so they are null too. That is
 * also what an id kept from a type a later version no longer serves should get. (A malformed id, or a
 * real type's id that is no UUID, stays BAD_USER_INPUT: that is a broken id, not a missing object.)
 */
export function isLoadableNodeType(schema: GraphQLSchema, typename: string): boolean {
  // getType reads a prototype-less map, so "__proto__" and "constructor" are simply absent.
  const type = schema.getType(typename);
  if (!isObjectType(type) || !type.getInterfaces().some((node) => node.name === 'Node')) return false;
  const loaders = (type.extensions.pothosOptions ?? {}) as NodeLoaders;
  return Boolean(loaders.loadOne ?? loaders.loadMany ?? loaders.loadWithoutCache ?? loaders.loadManyWithoutCache);
}
