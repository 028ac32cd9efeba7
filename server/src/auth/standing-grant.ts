import { sql, type SQL } from 'drizzle-orm';

/**
 * Whether the principal that set something up (`createdBy`: `user:<id>`, `key:<id>`, `admin-key` or
 * `system`, Viewer.id) still may READ the shops it covers (`shopIds`, null: every shop) at `at`: a key
 * not revoked, not expired and with READ; a user not disabled (ADMIN: every shop). What a webhook sends
 * follows its creator's credential, not the moment it was created: revoking a partner's key, disabling a
 * user or narrowing their shops stops what their webhooks receive.
 * One SQL condition, for statements that pick many rows at once (each principal by its primary key).
 */
export function stillReads(createdBy: SQL, shopIds: SQL, at: string): SQL {
  // CASE: the uuid cast runs only on ids of the matching kind (a WHERE's AND has no evaluation order).
  return sql`(${createdBy} in ('admin-key', 'system')
    or exists (select 1 from api_keys k
      where k.id = case when ${createdBy} like 'key:%' then substr(${createdBy}, 5)::uuid end
        and k.revoked_at is null and (k.expires_at is null or k.expires_at > ${at}::timestamptz)
        and 'READ' = any(k.scopes)
        and (k.shop_ids is null or (${shopIds} is not null and ${shopIds} <@ k.shop_ids)))
    or exists (select 1 from users u
      where u.id = case when ${createdBy} like 'user:%' then substr(${createdBy}, 6)::uuid end
        and u.disabled_at is null
        and (u.role = 'ADMIN' or u.shop_ids is null or (${shopIds} is not null and ${shopIds} <@ u.shop_ids))))`;
}
