import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { TRUSTED_DOCUMENTS_ONLY } from '../auth/access.plugin.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { RateLimiter } from '../auth/rate-limit.js';
import type { Viewer } from '../auth/viewer.js';
import type { Db } from '../db/client.js';
import { isStatementTimeout, STATEMENT_TIMEOUT_FAILURE } from '../db/statement-timeout.js';
import { toUserErrors, transportClassOf, zhNameOf, type Thing, type Words } from '../errors.js';
import { decodeGlobalUuid } from '../graphql/node-id.js';
import { retrospectiveWorkbook, XLSX_CONTENT_TYPE } from '../modules/retrospective/retrospective.export.js';
import { productLabels, skuLabels } from '../modules/product/product.service.js';
import { dailyReportsCsv, type DailyReportsCsvInput } from '../modules/report/report.csv.js';
import { minuteRollupsKeptFrom, type RetentionSettings } from '../modules/history/history.retention.js';
import { openRetrospective } from '../modules/retrospective/retrospective.service.js';
import { requestIdOf } from '../observability/request-id.js';

/** What an export costs from the caller's rate-limit bucket: it reads as much as a large query. */
export const EXPORT_COST = 2_000;

const RETROSPECTIVE = /^\/export\/campaigns\/([^/]+)\/retrospective\.xlsx$/;
const DAILY_REPORTS = '/export/daily-reports.csv';

export interface ExportDeps {
  db: Db;
  authenticator: Authenticator;
  limiter: RateLimiter;
  now: () => Date;
  logger: Logger;
  /** Where the retrospective's figures find minute rollups (minuteRollupsKeptFrom). */
  retention: Pick<RetentionSettings, 'minuteRollupsDays'>;
}

class ExportError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    words: Words,
    readonly headers: Record<string, string> = {},
  ) {
    super(words.en);
    this.messageZh = words.zh;
  }
  /** The Chinese, sent as `extensions.messageZh` as GraphQL does. */
  readonly messageZh: string;
}

export const isExportPath = (url: string) => (url.split('?')[0] ?? '').startsWith('/export/');

/** The UUID inside a global id of the given type (already URL-decoded); 400 for anything else. */
function idOf(typename: Thing, value: string): string {
  const id = decodeGlobalUuid(typename, value);
  if (!id) throw new ExportError(400, 'BAD_USER_INPUT', { en: `"${value}" is not a ${typename.toLowerCase()} id issued by PeakOps`, zh: `"${value}" 不是 PeakOps 签发的${zhNameOf(typename)} id` });
  return id;
}

/**
 * Files (XLSX, CSV) that a browser downloads or a partner fetches with curl: the same credential,
 * READ scope, shop scoping and rate-limit bucket as the GraphQL API, outside GraphQL because the
 * answer is a file, not JSON.
 */
export function exportsHandler(deps: ExportDeps) {
  async function authorize(req: IncomingMessage): Promise<Viewer> {
    const result = await deps.authenticator.authenticate(req.headers.authorization ?? null);
    if (!('viewer' in result)) throw new ExportError(401, 'UNAUTHENTICATED', { en: 'Send a credential: Authorization: Bearer <key or access token>', zh: '请发送凭证：Authorization: Bearer <密钥或访问令牌>' }, { 'www-authenticate': 'Bearer' });
    const viewer = result.viewer;
    if (!viewer.permissions.has('READ')) throw new ExportError(403, 'FORBIDDEN', { en: 'Exports need the READ scope', zh: '导出需要 READ 权限' });
    if (viewer.trustedDocumentsOnly) throw new ExportError(403, 'FORBIDDEN', TRUSTED_DOCUMENTS_ONLY);
    const bucket = await deps.limiter.take(viewer.id, EXPORT_COST);
    if (!bucket.allowed) {
      const words = {
        en: `Rate limited: an export costs ${EXPORT_COST} points; retry in ${bucket.retryAfterSeconds} s`,
        zh: `请求过于频繁：一次导出消耗 ${EXPORT_COST} 点；请 ${bucket.retryAfterSeconds} 秒后重试`,
      };
      throw new ExportError(429, 'RATE_LIMITED', words, {
        'retry-after': String(bucket.retryAfterSeconds),
      });
    }
    return viewer;
  }

  async function retrospective(viewer: Viewer, campaignId: string, res: ServerResponse) {
    const now = deps.now();
    const r = await openRetrospective(deps.db, viewer, campaignId, now, minuteRollupsKeptFrom(now, deps.retention));
    const file = await retrospectiveWorkbook(r, { skus: (ids) => skuLabels(deps.db, viewer, ids), products: (ids) => productLabels(deps.db, viewer, ids) });
    const name = `${r.campaign.name}-复盘.xlsx`;
    res
      .writeHead(200, {
        'content-type': XLSX_CONTENT_TYPE,
        'content-length': String(file.length),
        'content-disposition': `attachment; filename="retrospective.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
        'cache-control': 'no-store',
      })
      .end(file);
  }

  async function dailyReports(viewer: Viewer, input: DailyReportsCsvInput, res: ServerResponse) {
    const file = Buffer.from(await dailyReportsCsv(deps.db, viewer, input, deps.now()), 'utf8');
    res
      .writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-length': String(file.length),
        'content-disposition': `attachment; filename="daily-reports-${input.from}-${input.to}.csv"`,
        'cache-control': 'no-store',
      })
      .end(file);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (req.method !== 'GET') throw new ExportError(405, 'METHOD_NOT_ALLOWED', { en: 'Exports are fetched with GET', zh: '导出只能用 GET 获取' });
      const match = RETROSPECTIVE.exec(url.pathname);
      if (match) {
        const campaignId = idOf('Campaign', decodeURIComponent(match[1]!));
        return await retrospective(await authorize(req), campaignId, res);
      }
      if (url.pathname === DAILY_REPORTS) {
        const shop = url.searchParams.get('shopId');
        const input = { shopId: shop ? idOf('Shop', shop) : null, from: url.searchParams.get('from') ?? '', to: url.searchParams.get('to') ?? '' };
        return await dailyReports(await authorize(req), input, res);
      }
      throw new ExportError(404, 'NOT_FOUND', { en: `No export at ${url.pathname}`, zh: `${url.pathname} 没有导出` });
    } catch (error) {
      const failure = toExportError(error);
      if (failure.status >= 500) deps.logger.error({ err: error, path: url.pathname, requestId: requestIdOf(req) }, 'export failed');
      if (res.headersSent) return void res.destroy();
      res
        .writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers })
        .end(JSON.stringify({ errors: [{ message: failure.message, extensions: { code: failure.code, messageZh: failure.messageZh } }] }));
    }
  };
}

function toExportError(error: unknown): ExportError {
  if (error instanceof ExportError) return error;
  const [userError] = toUserErrors(error) ?? [];
  if (userError) {
    return new ExportError(transportClassOf(userError.code).httpStatus, userError.code, { en: userError.message, zh: userError.messageZh });
  }
  // Not a fault of ours to log as one: the database was busy (a lock) or the export too large for the bound.
  if (isStatementTimeout(error)) {
    const { code, message, messageZh } = STATEMENT_TIMEOUT_FAILURE;
    return new ExportError(503, code, { en: message, zh: messageZh });
  }
  return new ExportError(500, 'INTERNAL_SERVER_ERROR', { en: 'The export failed; it has been logged', zh: '导出失败，已记录日志' });
}
