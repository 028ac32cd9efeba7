import { createHmac } from 'node:crypto';
import { CHANNEL_NAMES, TRAFFIC_SOURCE_NAMES, type Channel, type TrafficSource } from '../../db/enums.js';
import { shanghaiClock, shanghaiDateTime } from '../../lib/time.js';
import { FIX_MINUTES, RESPONSE_MINUTES } from '../alert/alert.incident.js';
import type { WebhookAlert } from './webhook.events.js';
import type { WebhookEvent, WebhookFormat } from './webhook.table.js';
import { RULE_ZH, SEVERITY_ZH } from '../alert/alert.names.js';

/** What is sent for one delivery: rendered at send time, because the signatures carry the send time. */
export interface RenderedRequest {
  url: string;
  /** The exact bytes sent (and signed). */
  body: string;
  headers: Record<string, string>;
}

export interface DeliveryToRender {
  /** The delivery's global id: the JSON body's `id` and the PeakOps-Webhook-Id header, the same on every retry. */
  id: string;
  event: WebhookEvent;
  /** When the event happened (the delivery was written). */
  createdAt: Date;
  data: { alert: WebhookAlert };
}

export interface EndpointToRender {
  url: string;
  format: WebhookFormat;
  /** JSON: ours; DingTalk / Feishu: the robot's 加签 secret, or null when the robot does not sign. */
  secret: string | null;
}

/** How the robots name each event, in Chinese. */
export const EVENT_ZH: Record<WebhookEvent, string> = {
  ALERT_RAISED: '新预警',
  ALERT_RESOLVED: '已恢复',
  ALERT_ACKNOWLEDGED: '已认领',
  ALERT_ESCALATED: '升级',
  ALERT_RESPONSE_OVERDUE: '响应超时',
  ALERT_FIX_OVERDUE: '修复超时',
};
const FOOTER = 'PeakOps 作战室自动推送';

/** The HMAC of API.md: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function peakOpsSignature(secret: string, body: string, sentAt: Date): string {
  const t = Math.floor(sentAt.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/** DingTalk 加签: base64(HmacSHA256(key = secret, data = "<timestamp ms>\n<secret>")), URL-encoded by the caller. */
export function dingTalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** Feishu 签名校验: base64(HmacSHA256(key = "<timestamp s>\n<secret>", data = empty)) — key and data the other way round from DingTalk. */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}

const nameOf = <T extends string>(names: Record<T, { zh: string }>, code: string | undefined): string | undefined =>
  code !== undefined && Object.hasOwn(names, code) ? names[code as T].zh : undefined;

/**
 * What an alert is about, in the chat's Chinese: the two subjects built from codes (ROI < 1's
 * "<shop> · JD · PAID", an overdue rectification's "<shop> <date> SEARCH") with the names the screens use
 * (京东 · 付费推广), as the war room shows them; any other subject as it is.
 */
export function subjectInChinese(alert: Pick<WebhookAlert, 'rule' | 'subject'>): string {
  if (alert.rule === 'ROI_BELOW_ONE') {
    const [, shop, channel, source] = /^(.+) · ([A-Z_]+) · ([A-Z_]+)$/.exec(alert.subject) ?? [];
    const names = [nameOf<Channel>(CHANNEL_NAMES, channel), nameOf<TrafficSource>(TRAFFIC_SOURCE_NAMES, source)];
    if (shop && names[0] && names[1]) return [shop, ...names].join(' · ');
  }
  if (alert.rule === 'RECTIFICATION_OVERDUE') {
    const [, shopAndDate, source] = /^(.+ \d{4}-\d{2}-\d{2}) ([A-Z_]+)$/.exec(alert.subject) ?? [];
    const name = nameOf<TrafficSource>(TRAFFIC_SOURCE_NAMES, source);
    if (shopAndDate && name) return `${shopAndDate} ${name}`;
  }
  return alert.subject;
}

/** What a group robot's message says, whatever the robot: its title, headline, label/value lines and tone. */
export interface RobotMessage {
  title: string;
  headline: string;
  facts: [string, string][];
  /** The colour of WeCom's level line and Feishu's header: a severity, or RESOLVED. */
  tone: string;
}

/**
 * What one request carries, whatever the format: the JSON body's `id`, `type`, `createdAt` and `data`
 * (the id also in the PeakOps-Webhook-Id header), and the same in words for the robots.
 */
export interface Outgoing {
  id: string;
  type: string;
  createdAt: Date;
  data: unknown;
  robot: RobotMessage;
}

/** The lines every robot message shows, in Chinese, as label/value pairs. */
function alertFacts(delivery: DeliveryToRender): [string, string][] {
  const { alert } = delivery.data;
  const facts: [string, string][] = [
    ['级别', SEVERITY_ZH[alert.severity] ?? alert.severity],
    ['规则', RULE_ZH[alert.rule] ?? alert.rule],
    ['对象', subjectInChinese(alert)],
    ['说明', alert.message],
  ];
  if (alert.value !== null) {
    facts.push(['数值', alert.threshold === null ? formatNumber(alert.value) : `${formatNumber(alert.value)}（阈值 ${formatNumber(alert.threshold)}）`]);
  }
  if (alert.shop) facts.push(['店铺', alert.shop.name]);
  if (alert.campaign) facts.push(['活动', alert.campaign.name]);
  if (delivery.event === 'ALERT_ACKNOWLEDGED' && alert.acknowledgedBy) facts.push(['认领人', alert.acknowledgedBy]);
  if (alert.incident) facts.push(['时限', incidentDeadlinesInChinese(delivery.event, alert.incident)]);
  facts.push(['时间', `${shanghaiDateTime(delivery.createdAt)}（北京时间）`]);
  return facts;
}

/** The incident's deadlines as the room reads them: "14:02 起，14:12 前认领，14:32 前修复", and what was missed. */
function incidentDeadlinesInChinese(event: WebhookEvent, incident: NonNullable<WebhookAlert['incident']>): string {
  const clock = (iso: string) => shanghaiClock(new Date(iso));
  const deadlines = `${clock(incident.startedAt)} 起，${clock(incident.respondBy)} 前认领，${clock(incident.fixBy)} 前修复`;
  if (event === 'ALERT_RESPONSE_OVERDUE') return `${deadlines}；已过 ${RESPONSE_MINUTES} 分钟无人认领，请立即认领处理`;
  if (event === 'ALERT_FIX_OVERDUE') return `${deadlines}；${FIX_MINUTES} 分钟内未修复，请升级处理`;
  return deadlines;
}

/**
 * 【严重】转化率下跌预警 or 【严重】库存预警 (never 库存预警预警) for a new alert, …升级 for an escalated one,
 * 【已恢复】库存预警 otherwise; DingTalk shows it in the chat list.
 */
export function robotTitle(delivery: DeliveryToRender): string {
  const { alert } = delivery.data;
  const rule = RULE_ZH[alert.rule] ?? alert.rule;
  const raised = rule.endsWith('预警') ? rule : `${rule}预警`;
  const title =
    delivery.event === 'ALERT_RAISED' || delivery.event === 'ALERT_ESCALATED'
      ? `【${SEVERITY_ZH[alert.severity] ?? alert.severity}】${delivery.event === 'ALERT_ESCALATED' ? `${rule}升级` : raised}`
      : `【${EVENT_ZH[delivery.event]}】${rule}`;
  return [...title].slice(0, 20).join('');
}

function deliveryOutgoing(delivery: DeliveryToRender): Outgoing {
  return {
    id: delivery.id,
    type: delivery.event,
    createdAt: delivery.createdAt,
    data: delivery.data,
    robot: {
      title: robotTitle(delivery),
      headline: EVENT_ZH[delivery.event],
      facts: alertFacts(delivery),
      tone: delivery.event === 'ALERT_RESOLVED' ? 'RESOLVED' : delivery.data.alert.severity,
    },
  };
}

/** A test message (testWebhook): who asked for it, and what the webhook will receive. */
export interface TestToRender {
  /** `test_…`: the JSON body's `id` and the PeakOps-Webhook-Id header; not a delivery's. */
  id: string;
  createdAt: Date;
  webhook: { id: string; name: string; events: readonly WebhookEvent[]; shopNames: readonly string[] | null };
  requestedBy: string;
}

/** The JSON body's type for a test message; never an alert's. */
export const TEST_EVENT_TYPE = 'WEBHOOK_TEST';

function testOutgoing(test: TestToRender): Outgoing {
  return {
    id: test.id,
    type: TEST_EVENT_TYPE,
    createdAt: test.createdAt,
    data: { webhook: { id: test.webhook.id, name: test.webhook.name, events: test.webhook.events }, requestedBy: test.requestedBy },
    robot: {
      title: '【测试】PeakOps 预警推送',
      headline: '测试消息',
      facts: [
        ['说明', '这是一条测试消息，无需处理：此后订阅的预警会推送到这里。'],
        ['名称', test.webhook.name],
        ['订阅', test.webhook.events.map((event) => EVENT_ZH[event]).join('、')],
        ['店铺', test.webhook.shopNames === null ? '全部店铺' : test.webhook.shopNames.join('、')],
        ['发起人', test.requestedBy],
        ['时间', `${shanghaiDateTime(test.createdAt)}（北京时间）`],
      ],
      tone: 'INFO',
    },
  };
}

/** Keeps a UTF-8 text within `maxBytes` without cutting a character in half. */
function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > maxBytes - 3) break;
    out += char;
    used += size;
  }
  return `${out}…`;
}

function renderJson(outgoing: Outgoing, endpoint: EndpointToRender, sentAt: Date): RenderedRequest {
  const body = JSON.stringify({ id: outgoing.id, type: outgoing.type, createdAt: outgoing.createdAt.toISOString(), data: outgoing.data });
  const headers: Record<string, string> = { 'PeakOps-Webhook-Id': outgoing.id };
  if (endpoint.secret) headers['PeakOps-Signature'] = peakOpsSignature(endpoint.secret, body, sentAt);
  return { url: endpoint.url, body, headers };
}

function renderDingTalk(outgoing: Outgoing, endpoint: EndpointToRender, sentAt: Date): RenderedRequest {
  const { robot } = outgoing;
  const lines = robot.facts.map(([label, value]) => `- **${label}**：${value}`);
  const text = [`### ${robot.title}`, '', `**${robot.headline}**`, '', ...lines, '', `> ${FOOTER}`].join('\n');
  const body = JSON.stringify({ msgtype: 'markdown', markdown: { title: robot.title, text } });
  const url = new URL(endpoint.url);
  if (endpoint.secret) {
    const timestamp = sentAt.getTime();
    // URLSearchParams encodes as application/x-www-form-urlencoded (+ → %2B, / → %2F, = → %3D), what the docs' urlEncode does.
    url.searchParams.set('timestamp', String(timestamp));
    url.searchParams.set('sign', dingTalkSign(endpoint.secret, timestamp));
  }
  return { url: url.toString(), body, headers: { 'PeakOps-Webhook-Id': outgoing.id } };
}

const WECOM_COLOR: Record<string, string> = { CRITICAL: 'warning', WARNING: 'warning', INFO: 'comment', RESOLVED: 'info' };
/** WeCom's markdown content limit, in bytes. */
const WECOM_MAX_BYTES = 4096;

function renderWeCom(outgoing: Outgoing, endpoint: EndpointToRender): RenderedRequest {
  const { robot } = outgoing;
  const color = WECOM_COLOR[robot.tone] ?? 'comment';
  const lines = robot.facts.map(([label, value]) =>
    label === '级别' ? `> ${label}：<font color="${color}">${value}</font>` : `> ${label}：${value}`,
  );
  const content = truncateBytes([`### ${robot.title}`, `**${robot.headline}**`, ...lines, '', `<font color="comment">${FOOTER}</font>`].join('\n'), WECOM_MAX_BYTES);
  return {
    url: endpoint.url,
    body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }),
    headers: { 'PeakOps-Webhook-Id': outgoing.id },
  };
}

const FEISHU_TEMPLATE: Record<string, string> = { CRITICAL: 'red', WARNING: 'orange', INFO: 'blue', RESOLVED: 'green' };

function renderFeishu(outgoing: Outgoing, endpoint: EndpointToRender, sentAt: Date): RenderedRequest {
  const { robot } = outgoing;
  const card = {
    config: { wide_screen_mode: true },
    header: { template: FEISHU_TEMPLATE[robot.tone] ?? 'blue', title: { tag: 'plain_text', content: robot.title } },
    elements: [
      { tag: 'div', text: { tag: 'lark_md', content: robot.facts.map(([label, value]) => `**${label}**：${value}`).join('\n') } },
      { tag: 'note', elements: [{ tag: 'plain_text', content: FOOTER }] },
    ],
  };
  const signature = endpoint.secret
    ? { timestamp: String(Math.floor(sentAt.getTime() / 1000)), sign: feishuSign(endpoint.secret, Math.floor(sentAt.getTime() / 1000)) }
    : {};
  return { url: endpoint.url, body: JSON.stringify({ ...signature, msg_type: 'interactive', card }), headers: { 'PeakOps-Webhook-Id': outgoing.id } };
}

const RENDERERS: Record<WebhookFormat, (outgoing: Outgoing, endpoint: EndpointToRender, sentAt: Date) => RenderedRequest> = {
  JSON: renderJson,
  DINGTALK: renderDingTalk,
  WECOM: renderWeCom,
  FEISHU: renderFeishu,
};

/** The request that carries `outgoing` in the endpoint's format, with the headers every request has. */
export function renderOutgoing(outgoing: Outgoing, endpoint: EndpointToRender, sentAt: Date): RenderedRequest {
  const rendered = RENDERERS[endpoint.format](outgoing, endpoint, sentAt);
  return { ...rendered, headers: { 'content-type': 'application/json', 'user-agent': 'PeakOps-Webhooks/1', ...rendered.headers } };
}

/** The request for one attempt of a delivery, in the endpoint's format, signed as of `sentAt`. */
export function renderRequest(delivery: DeliveryToRender, endpoint: EndpointToRender, sentAt: Date): RenderedRequest {
  return renderOutgoing(deliveryOutgoing(delivery), endpoint, sentAt);
}

/** The request of a test message, in the endpoint's format and signed as a delivery is. */
export function renderTestRequest(test: TestToRender, endpoint: EndpointToRender, sentAt: Date): RenderedRequest {
  return renderOutgoing(testOutgoing(test), endpoint, sentAt);
}

/**
 * Group robots answer HTTP 200 even when they refuse a message, with the reason in the body
 * (DingTalk and WeCom `errcode`, Feishu `code`; old Feishu hooks `StatusCode`). Null when the answer
 * is a success; else the reason, recorded as the attempt's error so the delivery is retried and shown.
 */
export function robotRefusal(format: WebhookFormat, responseText: string): string | null {
  if (format === 'JSON') return null;
  let answer: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(responseText);
    if (typeof parsed !== 'object' || parsed === null) return `unexpected answer: ${responseText.slice(0, 200)}`;
    answer = parsed as Record<string, unknown>;
  } catch {
    return `unexpected answer: ${responseText.slice(0, 200)}`;
  }
  const code = format === 'FEISHU' ? (answer.code ?? answer.StatusCode) : answer.errcode;
  const message = format === 'FEISHU' ? (answer.msg ?? answer.StatusMessage) : answer.errmsg;
  if (code === 0) return null;
  return `${format === 'FEISHU' ? 'code' : 'errcode'} ${String(code)}: ${String(message ?? '')}`.trim();
}
