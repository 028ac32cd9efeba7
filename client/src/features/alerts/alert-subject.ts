import { MESSAGES, type MessageKey } from '../../i18n/messages';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const ROI_SUBJECT = /^(.+) · ([A-Z_]+) · ([A-Z_]+)$/;
const RECTIFICATION_SUBJECT = /^(.+) (\d{4}-\d{2}-\d{2}) ([A-Z_]+)$/;

/** The screen's word for a code, when the code is one it names (`channel.JD`, `source.PAID`); null otherwise. */
function named(kind: 'channel' | 'source', code: string | undefined, t: Translate): string | null {
  const key = `${kind}.${code}`;
  return key in MESSAGES['zh-CN'] ? t(key as MessageKey) : null;
}

/**
 * What an alert is about, as the screen says it. The server builds two rules' subjects from codes, which
 * partners read as such: ROI < 1's "京东自营店 · JD · PAID" (shop, channel, source) and an overdue
 * rectification's "甲店 2026-11-19 SEARCH" (shop, date, source). Shown here with the names the rest of the
 * screen uses — 京东 · 付费推广, or JD · Paid ads in English. Any other subject (a shop, a SKU, a
 * campaign and its milestone: names people typed) is shown as it is.
 */
export function alertSubject(alert: { rule: string; subject: string }, t: Translate): string {
  if (alert.rule === 'ROI_BELOW_ONE') {
    const [, shop, channel, source] = ROI_SUBJECT.exec(alert.subject) ?? [];
    const names = [named('channel', channel, t), named('source', source, t)];
    if (shop && names[0] && names[1]) return [shop, ...names].join(' · ');
  }
  if (alert.rule === 'RECTIFICATION_OVERDUE') {
    const [, shop, date, source] = RECTIFICATION_SUBJECT.exec(alert.subject) ?? [];
    const name = named('source', source, t);
    if (shop && date && name) return `${shop} ${date} ${name}`;
  }
  return alert.subject;
}
