/**
 * URLs that carry credentials — an IM robot's webhook URL is its password (DingTalk `access_token=`,
 * WeCom `key=`, Feishu's `/hook/<uuid>`) — as they may be shown in lists, logs and the audit trail.
 */

/** Query parameters whose values are credentials (DingTalk `access_token`, WeCom `key`, signatures …). */
const SECRET_PARAM = /token|key|secret|sign|auth|pass|code|ticket|credential/i;
/** Path segments that look like random tokens (Feishu's `/bot/v2/hook/<uuid>`, Slack-style paths). */
const TOKEN_SEGMENT = /^(?=.*\d)(?=.*[a-z])[A-Za-z0-9_-]{16,}$/i;

/**
 * The URL as it may be shown: credentials in the query, a user:password and token-like path
 * segments replaced by `***`, so listing webhooks (or the audit trail) never re-reveals a robot's token.
 */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '***';
  }
  if (url.username) url.username = '***';
  if (url.password) url.password = '***';
  url.pathname = url.pathname
    .split('/')
    .map((segment) => (TOKEN_SEGMENT.test(segment) ? '***' : segment))
    .join('/');
  const params = [...url.searchParams].map(([name, value]) => `${encodeURIComponent(name)}=${SECRET_PARAM.test(name) ? '***' : encodeURIComponent(value)}`);
  url.search = params.length > 0 ? `?${params.join('&')}` : '';
  return url.toString();
}
