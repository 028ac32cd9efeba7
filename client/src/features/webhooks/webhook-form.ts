import { sameMembers } from '../../lib/same-members';
import type { WebhookCreate, WebhookEvent, WebhookFormat, WebhookUpdate, WebhookView } from './webhooks.documents';

/** The group robots first: what an operations team connects; JSON is a partner's system. */
export const FORMATS: readonly WebhookFormat[] = ['DINGTALK', 'WECOM', 'FEISHU', 'JSON'];
export const EVENTS: readonly WebhookEvent[] = [
  'ALERT_RAISED',
  'ALERT_ESCALATED',
  'ALERT_RESPONSE_OVERDUE',
  'ALERT_FIX_OVERDUE',
  'ALERT_RESOLVED',
  'ALERT_ACKNOWLEDGED',
];
/** A group chat wants to hear an alert begin, worsen and end; who claimed it is the room's own business. */
export const DEFAULT_EVENTS: readonly WebhookEvent[] = ['ALERT_RAISED', 'ALERT_ESCALATED', 'ALERT_RESPONSE_OVERDUE', 'ALERT_FIX_OVERDUE', 'ALERT_RESOLVED'];

/** DingTalk's 加签 and Feishu's 签名校验 take the robot's secret; WeCom robots do not sign, JSON is signed with ours. */
export const takesRobotSecret = (format: WebhookFormat) => format === 'DINGTALK' || format === 'FEISHU';

/** Where each robot's address starts, shown as the URL field's hint. */
export const URL_HINT: Record<WebhookFormat, string> = {
  DINGTALK: 'https://oapi.dingtalk.com/robot/send?access_token=…',
  WECOM: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  FEISHU: 'https://open.feishu.cn/open-apis/bot/v2/hook/…',
  JSON: 'https://',
};

export interface WebhookForm {
  format: WebhookFormat;
  name: string;
  url: string;
  secret: string;
  events: readonly WebhookEvent[];
  /** Every shop of the caller (omitted in the input), or these. */
  allShops: boolean;
  shopIds: readonly string[];
}

export type FormProblem = 'url' | 'events' | 'shops';

export const emptyForm = (): WebhookForm => ({ format: 'DINGTALK', name: '', url: '', secret: '', events: DEFAULT_EVENTS, allShops: true, shopIds: [] });

/** A webhook as the edit form starts: its URL and secret blank (the server keeps them unless new ones are typed). */
export const formOfWebhook = (webhook: WebhookView): WebhookForm => ({
  format: webhook.format,
  name: webhook.name,
  url: '',
  secret: '',
  events: EVENTS.filter((e) => webhook.events.includes(e)),
  allShops: webhook.shops === null,
  shopIds: webhook.shops?.map((s) => s.id) ?? [],
});

/** The events in the order the page lists them, with `event` turned on or off. */
export const toggled = (events: readonly WebhookEvent[], event: WebhookEvent, on: boolean) => EVENTS.filter((e) => (e === event ? on : events.includes(e)));

function problemOf(form: WebhookForm, creating: boolean): FormProblem | null {
  if (creating && form.url.trim() === '') return 'url';
  if (form.events.length === 0) return 'events';
  if (!form.allShops && form.shopIds.length === 0) return 'shops';
  return null;
}

/** The createWebhook input, or what is missing (checked here so nothing half-filled is sent; the server checks the rest). */
export function createInput(form: WebhookForm): { input: WebhookCreate } | { problem: FormProblem } {
  const problem = problemOf(form, true);
  if (problem) return { problem };
  return {
    input: {
      format: form.format,
      url: form.url.trim(),
      events: [...form.events],
      ...(form.name.trim() ? { name: form.name.trim() } : {}),
      ...(takesRobotSecret(form.format) && form.secret.trim() ? { secret: form.secret.trim() } : {}),
      ...(form.allShops ? {} : { shopIds: [...form.shopIds] }),
    },
  };
}

/**
 * The updateWebhook input with only what changed: a URL or secret typed (blank keeps the one stored), the name,
 * events and shops when they differ. Null when nothing changed. "Every shop" cannot be given back through the
 * API's shopIds (it replaces the list), so an edit only narrows or widens a list of shops.
 */
export function updateInput(webhook: WebhookView, form: WebhookForm): { input: WebhookUpdate } | { problem: FormProblem } | null {
  const problem = problemOf(form, false);
  if (problem) return { problem };
  const input: WebhookUpdate = { id: webhook.id };
  if (form.name.trim() && form.name.trim() !== webhook.name) input.name = form.name.trim();
  if (form.url.trim()) input.url = form.url.trim();
  if (takesRobotSecret(webhook.format) && form.secret.trim()) input.secret = form.secret.trim();
  if (!sameMembers(form.events, webhook.events)) input.events = [...form.events];
  if (!form.allShops && !sameMembers(form.shopIds, webhook.shops?.map((s) => s.id) ?? [])) input.shopIds = [...form.shopIds];
  return Object.keys(input).length > 1 ? { input } : null;
}
