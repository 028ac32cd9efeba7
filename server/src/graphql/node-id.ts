import { decodeGlobalID } from '@pothos/plugin-relay';
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
