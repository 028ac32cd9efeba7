import { sameMembers } from '../../lib/same-members';
import { addDays, isDate } from '../../lib/shanghai-day';
import type { ApiKeyCreate, ApiKeyScope, Role, UserCreate, UserUpdate, UserView } from './access.documents';

export const SCOPES: readonly ApiKeyScope[] = ['READ', 'INGEST', 'MANAGE'];
export const ROLES: readonly Role[] = ['VIEWER', 'OPERATOR', 'ADMIN'];
/** The server's rule for passwords (docs/SECURITY.md). */
export const MIN_PASSWORD_LENGTH = 12;

export interface KeyForm {
  name: string;
  scopes: readonly ApiKeyScope[];
  allShops: boolean;
  shopIds: readonly string[];
  /** The last Asia/Shanghai day it works (YYYY-MM-DD), or '' for no expiry. */
  expiresOn: string;
  /** A screen key: READ and only the war room's own operations. */
  screen: boolean;
}

export type KeyProblem = 'name' | 'scopes' | 'shops' | 'expires';

export const emptyKeyForm = (): KeyForm => ({ name: '', scopes: ['READ'], allShops: true, shopIds: [], expiresOn: '', screen: false });

/** The scopes in the page's order, with `scope` turned on or off. */
export const toggledScope = (scopes: readonly ApiKeyScope[], scope: ApiKeyScope, on: boolean) => SCOPES.filter((s) => (s === scope ? on : scopes.includes(s)));

/**
 * The createApiKey input, or what is missing. A screen key reads only (the war room's own operations need no
 * more); a key stops working at the end of its last day, Asia/Shanghai time (the start of the next).
 */
export function keyInput(form: KeyForm, today: string): { input: ApiKeyCreate } | { problem: KeyProblem } {
  if (form.name.trim() === '') return { problem: 'name' };
  const scopes = form.screen ? (['READ'] as ApiKeyScope[]) : [...form.scopes];
  if (scopes.length === 0) return { problem: 'scopes' };
  if (!form.allShops && form.shopIds.length === 0) return { problem: 'shops' };
  if (form.expiresOn !== '' && (!isDate(form.expiresOn) || form.expiresOn < today)) return { problem: 'expires' };
  return {
    input: {
      name: form.name.trim(),
      scopes,
      ...(form.allShops ? {} : { shopIds: [...form.shopIds] }),
      ...(form.expiresOn ? { expiresAt: `${addDays(form.expiresOn, 1)}T00:00:00+08:00` } : {}),
      ...(form.screen ? { trustedDocumentsOnly: true } : {}),
    },
  };
}

/** The link a screen opens to sign in with a key: the key travels after #, which no request carries. */
export const screenLink = (origin: string, secret: string) => `${origin}/#key=${encodeURIComponent(secret)}`;

export interface UserForm {
  email: string;
  name: string;
  role: Role;
  password: string;
  allShops: boolean;
  shopIds: readonly string[];
}

export type UserProblem = 'email' | 'name' | 'password' | 'shops';

export const emptyUserForm = (): UserForm => ({ email: '', name: '', role: 'OPERATOR', password: '', allShops: true, shopIds: [] });

/** The createUser input, or what is missing. An ADMIN is over every shop (the server refuses one with shops). */
export function userInput(form: UserForm): { input: UserCreate } | { problem: UserProblem } {
  const email = form.email.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return { problem: 'email' };
  if (form.name.trim() === '') return { problem: 'name' };
  if (form.password.length < MIN_PASSWORD_LENGTH) return { problem: 'password' };
  const limited = form.role !== 'ADMIN' && !form.allShops;
  if (limited && form.shopIds.length === 0) return { problem: 'shops' };
  return { input: { email, name: form.name.trim(), role: form.role, password: form.password, ...(limited ? { shopIds: [...form.shopIds] } : {}) } };
}

export interface AccountChange {
  allShops: boolean;
  shopIds: readonly string[];
  /** A new password, or '' to keep the one set. */
  password: string;
}

export const changeOfUser = (user: UserView): AccountChange => ({ allShops: user.shopIds === null, shopIds: user.shopIds?.map((s) => s.id) ?? [], password: '' });

/**
 * The updateUser input for an account's shops and password, only what changed; null when nothing did. Every shop
 * is `shopIds: null`; an ADMIN's shops are not asked (the server refuses them).
 */
export function accountUpdateInput(user: UserView, change: AccountChange): { input: UserUpdate } | { problem: UserProblem } | null {
  if (change.password !== '' && change.password.length < MIN_PASSWORD_LENGTH) return { problem: 'password' };
  if (user.role !== 'ADMIN' && !change.allShops && change.shopIds.length === 0) return { problem: 'shops' };
  const input: UserUpdate = { id: user.id };
  if (change.password !== '') input.password = change.password;
  if (user.role !== 'ADMIN') {
    const stored = user.shopIds?.map((s) => s.id) ?? null;
    if (change.allShops ? stored !== null : stored === null || !sameMembers(stored, change.shopIds)) {
      input.shopIds = change.allShops ? null : [...change.shopIds];
    }
  }
  return Object.keys(input).length > 1 ? { input } : null;
}
