import { fetchRenewingOnce } from '../auth/authorized-fetch';
import type { CredentialSource } from '../auth/credential-store';
import type { Refusal } from '../graphql/refusal';

export type DownloadOutcome = { ok: true; file: string } | ({ ok: false; status: number } & Refusal);

/** The name the server gave the file (RFC 6266: `filename*` in UTF-8 wins over `filename`), else `fallback`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')?.[1];
  if (extended) return decodeURIComponent(extended);
  return /filename="([^"]+)"/i.exec(disposition ?? '')?.[1] ?? fallback;
}

/**
 * GETs an export (`/export/…`, same origin) with the credential of the moment — a link cannot carry the
 * Authorization header, so the file is fetched here and handed to the browser as a blob. A refused
 * token is renewed once, as for GraphQL (authorized-fetch.ts).
 */
export async function downloadExport(credentials: CredentialSource, path: string, fallbackName: string): Promise<DownloadOutcome> {
  const bearer = credentials.bearer();
  const response = await fetchRenewingOnce(credentials)(new URL(path, location.origin).toString(), {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { errors?: { message?: string; extensions?: { messageZh?: string } }[] } | null;
    const [error] = body?.errors ?? [];
    return { ok: false, status: response.status, message: error?.message ?? response.statusText, messageZh: error?.extensions?.messageZh ?? null };
  }
  const file = fileNameOf(response.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = file;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later, not at once: the browser reads the blob after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { ok: true, file };
}
